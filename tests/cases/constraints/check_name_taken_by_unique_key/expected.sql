-- preflight: groups of rows sharing (k)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT k FROM public.t WHERE k IS NOT NULL GROUP BY k HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT k FROM public.t WHERE k IS NOT NULL GROUP BY k HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate c1: groups of rows sharing (k); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: u(ref) values with no row in t(k)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.k = c.ref);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.ref FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.k = c.ref) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.u would violate u_ref_fkey: u(ref) values with no row in t(k); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
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
    ALTER TABLE public.t ADD CONSTRAINT c1 UNIQUE (k);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.u'::pg_catalog.regclass AND conname = 'u_ref_fkey') THEN
    ALTER TABLE public.u ADD CONSTRAINT u_ref_fkey FOREIGN KEY (ref) REFERENCES public.t (k) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.u VALIDATE CONSTRAINT u_ref_fkey;
