DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'mail') THEN
    ALTER DOMAIN public.mail RENAME TO email;
  END IF;
END
$pgwright$;
