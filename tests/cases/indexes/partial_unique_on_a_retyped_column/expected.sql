-- type integer -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.t'::pg_catalog.regclass
      AND attname = 'c';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.t ALTER COLUMN c TYPE text;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.t_c_idx') AND NOT indisvalid) THEN
    DROP INDEX public.t_c_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_c_idx ON public.t USING btree (c) WHERE c <> '';
