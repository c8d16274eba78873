CREATE TABLE IF NOT EXISTS public.c (
    a bigint,
    k public.e
);

-- type integer -> bigint
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.p'::pg_catalog.regclass
      AND attname = 'a';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'bigint' THEN
    ALTER TABLE public.p ALTER COLUMN a TYPE bigint;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.c'::pg_catalog.regclass AND conname = 'c_a_k_fkey') THEN
    ALTER TABLE public.c ADD CONSTRAINT c_a_k_fkey FOREIGN KEY (a, k) REFERENCES public.p (a, k);
  END IF;
END
$pgwright$;
