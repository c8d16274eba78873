DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t2') AND c.conname = 't2_ref_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['ref']::pg_catalog.name[]) THEN
    ALTER TABLE public.t2 DROP CONSTRAINT t2_ref_fkey;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
DROP TABLE IF EXISTS public.t1;

-- DESTRUCTIVE: removes something the spec no longer declares
DROP TABLE IF EXISTS public.t2;

CREATE TABLE IF NOT EXISTS public.other (
    id integer
);
