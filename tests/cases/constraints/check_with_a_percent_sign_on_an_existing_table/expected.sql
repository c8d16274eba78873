-- preflight: rows failing CHECK (x LIKE 'a%')
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t WHERE (x LIKE 'a%') IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT ctid FROM public.t WHERE (x LIKE 'a%') IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate c1: rows failing CHECK (x LIKE ''a%%''); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 'c1') THEN
    ALTER TABLE public.t ADD CONSTRAINT c1 CHECK (x LIKE 'a%') NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.t VALIDATE CONSTRAINT c1;
