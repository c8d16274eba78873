-- dropped to be created again: generated column total is dropped and added again
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.lines_total_idx;

-- dropped to be created again: generated column total is dropped and added again
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.lines') AND c.conname = 'total_not_negative' AND c.contype = 'c') THEN
    ALTER TABLE public.lines DROP CONSTRAINT total_not_negative;
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
    WHERE a.attrelid = pg_catalog.to_regclass('public.lines')
      AND a.attname = 'total';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF printed IS DISTINCT FROM '(((quantity)::numeric * unit_price) * (2)::numeric)' THEN
    ALTER TABLE public.lines DROP COLUMN IF EXISTS total;
  END IF;
END
$pgwright$;

-- type integer -> bigint
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.lines'::pg_catalog.regclass
      AND attname = 'quantity';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'bigint' THEN
    ALTER TABLE public.lines ALTER COLUMN quantity TYPE bigint;
  END IF;
END
$pgwright$;

ALTER TABLE public.lines ADD COLUMN IF NOT EXISTS total numeric GENERATED ALWAYS AS (quantity * unit_price * 2) STORED;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.lines'::pg_catalog.regclass AND conname = 'total_not_negative') THEN
    ALTER TABLE public.lines ADD CONSTRAINT total_not_negative CHECK (total >= 0 AND quantity >= 0) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.lines VALIDATE CONSTRAINT total_not_negative;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.lines_total_idx') AND NOT indisvalid) THEN
    DROP INDEX public.lines_total_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS lines_total_idx ON public.lines USING btree (total);
