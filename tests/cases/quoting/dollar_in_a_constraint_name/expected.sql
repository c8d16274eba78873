-- DESTRUCTIVE: removes something the spec no longer declares
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public."a$b_table"') AND c.conname = 'a$b_table_a$b_key' AND c.contype = 'u' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['a$b']::pg_catalog.name[]) THEN
    ALTER TABLE public."a$b_table" DROP CONSTRAINT "a$b_table_a$b_key";
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public."a$b_table_x_idx"') AND NOT indisvalid) THEN
    DROP INDEX public."a$b_table_x_idx";
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "a$b_table_x_idx" ON public."a$b_table" USING btree (x);
