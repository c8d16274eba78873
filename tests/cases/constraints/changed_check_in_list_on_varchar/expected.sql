-- preflight: rows failing CHECK (x IN ('a', 'b'))
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t WHERE (x IN ('a', 'b')) IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT ctid FROM public.t WHERE (x IN ('a', 'b')) IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate c1: rows failing CHECK (x IN (''a'', ''b'')); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.t_x_idx;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 'c1' AND c.contype = 'c') THEN
    ALTER TABLE public.t DROP CONSTRAINT c1;
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
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.t_x_idx') AND NOT indisvalid) THEN
    DROP INDEX public.t_x_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_x_idx ON public.t USING btree (x) WHERE x IN ('a', 'b');
