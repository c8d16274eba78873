-- preflight: values of x longer than the 10 characters of character varying(10)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t WHERE pg_catalog.length(x::text) > 10;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT x FROM public.t WHERE pg_catalog.length(x::text) > 10 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate x TYPE character varying(10): values of x longer than the 10 characters of character varying(10); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- dropped to be created again: x changes type, and PostgreSQL would re-create it from its own print
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.t_y_idx;

-- dropped to be created again: x changes type, and PostgreSQL would re-create it from its own print
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 'c1' AND c.contype = 'c') THEN
    ALTER TABLE public.t DROP CONSTRAINT c1;
  END IF;
END
$pgwright$;

-- type character varying(64) -> character varying(10)
-- DESTRUCTIVE: character varying(10) may not hold every character varying(64) value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.t'::pg_catalog.regclass
      AND attname = 'x';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'character varying(10)' THEN
    ALTER TABLE public.t ALTER COLUMN x TYPE character varying(10);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 'c1') THEN
    ALTER TABLE public.t ADD CONSTRAINT c1 CHECK (x IN ('a', 'b')) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.t VALIDATE CONSTRAINT c1;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.t_y_idx') AND NOT indisvalid) THEN
    DROP INDEX public.t_y_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_y_idx ON public.t USING btree (y) WHERE x IN ('a', 'b');
