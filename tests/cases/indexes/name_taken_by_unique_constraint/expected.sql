-- preflight: groups of rows sharing (a)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT a FROM public.t WHERE a IS NOT NULL GROUP BY a HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT a FROM public.t WHERE a IS NOT NULL GROUP BY a HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate uq_one: groups of rows sharing (a); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.t_b_idx;

-- the plan gives the name uq_one to another object: the index is renamed aside, then dropped
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass('public.uq_one') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))) THEN
    ALTER INDEX public.uq_one RENAME TO pgwright_dropped_6ab64d3786b7;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.pgwright_dropped_6ab64d3786b7;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 'uq_one') THEN
    ALTER TABLE public.t ADD CONSTRAINT uq_one UNIQUE (a);
  END IF;
END
$pgwright$;
