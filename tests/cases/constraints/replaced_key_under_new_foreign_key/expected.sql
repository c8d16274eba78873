-- preflight: groups of rows sharing (x)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT x FROM public.t WHERE x IS NOT NULL GROUP BY x HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT x FROM public.t WHERE x IS NOT NULL GROUP BY x HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_pkey: groups of rows sharing (x); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: rows where x is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t WHERE x IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.t WHERE x IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_pkey: rows where x is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: u(ref) values with no row in t(x)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.x = c.ref);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.ref FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.x = c.ref) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.u would violate u_ref_fkey: u(ref) values with no row in t(x); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 't_pkey' AND c.contype = 'p' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['id']::pg_catalog.name[]) THEN
    ALTER TABLE public.t DROP CONSTRAINT t_pkey;
  END IF;
END
$pgwright$;

ALTER TABLE public.t ALTER COLUMN id DROP NOT NULL;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 't_pkey') THEN
    ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (x);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.u'::pg_catalog.regclass AND conname = 'u_ref_fkey') THEN
    ALTER TABLE public.u ADD CONSTRAINT u_ref_fkey FOREIGN KEY (ref) REFERENCES public.t (x) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.u VALIDATE CONSTRAINT u_ref_fkey;
