-- type public.email -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.customers'::pg_catalog.regclass
      AND attname = 'email';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.customers ALTER COLUMN email TYPE text;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
DROP DOMAIN IF EXISTS public.email;
