-- preflight: groups of rows sharing (id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT id FROM public.t WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.t WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_id_idx: groups of rows sharing (id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: u(ref) values with no row in t(id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.id = c.ref);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.ref FROM public.u c WHERE c.ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.id = c.ref) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.u would violate u_ref_fkey: u(ref) values with no row in t(id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.t_id_idx') AND NOT indisvalid) THEN
    DROP INDEX public.t_id_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_id_idx ON public.t USING btree (id);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.u'::pg_catalog.regclass AND conname = 'u_ref_fkey') THEN
    ALTER TABLE public.u ADD CONSTRAINT u_ref_fkey FOREIGN KEY (ref) REFERENCES public.t (id) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.u VALIDATE CONSTRAINT u_ref_fkey;
