-- dropped to be created again: generated column total is dropped and added again
DROP POLICY IF EXISTS big_only ON public.items;

-- dropped to be created again: generated column total is dropped and added again
DROP TRIGGER IF EXISTS touch_total ON public.items;

-- dropped to be created again: generated column total is dropped and added again
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.items_lower_idx;

-- dropped to be created again: generated column total is dropped and added again
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.items_total_idx;

-- dropped to be created again: generated column total is dropped and added again
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.items') AND c.conname = 'total_positive' AND c.contype = 'c') THEN
    ALTER TABLE public.items DROP CONSTRAINT total_positive;
  END IF;
END
$pgwright$;

-- added again with its new expression
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  printed text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) INTO printed
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_attrdef d
      ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = 's'
    WHERE a.attrelid = pg_catalog.to_regclass('public.items')
      AND a.attname = 'total';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF printed IS DISTINCT FROM '((price * (qty)::numeric) * (2)::numeric)' THEN
    ALTER TABLE public.items DROP COLUMN IF EXISTS total;
  END IF;
END
$pgwright$;

ALTER TABLE public.items ADD COLUMN IF NOT EXISTS total numeric GENERATED ALWAYS AS (price * qty * 2) STORED;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = 'public.items'::pg_catalog.regclass AND polname = 'big_only') THEN
    CREATE POLICY big_only ON public.items AS PERMISSIVE FOR SELECT TO PUBLIC USING (total > 0);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = 'public.items'::pg_catalog.regclass AND tgname = 'touch_total') THEN
    CREATE TRIGGER touch_total BEFORE UPDATE OF total, qty ON public.items FOR EACH ROW EXECUTE FUNCTION public.touch();
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.items'::pg_catalog.regclass AND conname = 'total_positive') THEN
    ALTER TABLE public.items ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.items VALIDATE CONSTRAINT total_positive;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.items_lower_idx') AND NOT indisvalid) THEN
    DROP INDEX public.items_lower_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_lower_idx ON public.items USING btree (lower(code)) WHERE total > 10;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.items_total_idx') AND NOT indisvalid) THEN
    DROP INDEX public.items_total_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_total_idx ON public.items USING btree (total);
