ALTER TABLE public.pages ADD COLUMN IF NOT EXISTS title text COLLATE pg_catalog."POSIX";

-- type character varying(255) -> character varying(255)
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) || coalesce(' COLLATE ' || (SELECT collname FROM pg_catalog.pg_collation WHERE oid = attcollation AND attcollation <> (SELECT typcollation FROM pg_catalog.pg_type WHERE oid = atttypid)), '') INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.pages'::pg_catalog.regclass
      AND attname = 'path';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'character varying(255) COLLATE C' THEN
    ALTER TABLE public.pages ALTER COLUMN path TYPE character varying(255) COLLATE pg_catalog."C";
  END IF;
END
$pgwright$;

-- type text -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) || coalesce(' COLLATE ' || (SELECT collname FROM pg_catalog.pg_collation WHERE oid = attcollation AND attcollation <> (SELECT typcollation FROM pg_catalog.pg_type WHERE oid = atttypid)), '') INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.pages'::pg_catalog.regclass
      AND attname = 'slug';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.pages ALTER COLUMN slug TYPE text COLLATE pg_catalog."default";
  END IF;
END
$pgwright$;
