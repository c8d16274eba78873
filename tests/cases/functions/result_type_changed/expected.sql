-- function bodies are checked when first called
SET check_function_bodies = off;

-- dropped to be made again: its result type or argument names change, which CREATE OR REPLACE cannot do
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  stale boolean;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.pg_get_function_result(oid) IS DISTINCT FROM 'bigint'
      OR coalesce(proargnames, '{}') IS DISTINCT FROM ARRAY[]::text[]
    INTO stale FROM pg_catalog.pg_proc
    WHERE oid = pg_catalog.to_regprocedure('public.next_number()');
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF stale THEN
    DROP FUNCTION public.next_number();
  END IF;
END
$pgwright$;

CREATE OR REPLACE FUNCTION public.next_number()
RETURNS bigint
LANGUAGE sql
VOLATILE
AS $function$select 1::bigint$function$;
