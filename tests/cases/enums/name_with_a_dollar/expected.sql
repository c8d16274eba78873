DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'a$b') THEN
    CREATE TYPE public."a$b" AS ENUM ('draft');
  END IF;
END
$pgwright$;

CREATE TABLE IF NOT EXISTS public.orders (
    id public."a$b"
);
