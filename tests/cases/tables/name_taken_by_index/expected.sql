-- the plan gives the name ledger to an index: the table is dropped only while the name is a table's
-- DESTRUCTIVE: removes something the spec no longer declares
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass('public.ledger') AND relkind IN ('r', 'p')) THEN
    DROP TABLE public.ledger;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.ledger') AND NOT indisvalid) THEN
    DROP INDEX public.ledger;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS ledger ON public.entries USING btree (amount);
