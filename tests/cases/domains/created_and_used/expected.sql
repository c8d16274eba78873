DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'status') THEN
    CREATE TYPE public.status AS ENUM ('new', 'paid');
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'email') THEN
    CREATE DOMAIN public.email AS text COLLATE "C" NOT NULL CONSTRAINT has_at CHECK (VALUE ~ '@');
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'known_status') THEN
    CREATE DOMAIN public.known_status AS public.status DEFAULT 'new';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'positive_amount') THEN
    CREATE DOMAIN public.positive_amount AS numeric(12,2) DEFAULT 0 CONSTRAINT positive CHECK (VALUE >= 0);
  END IF;
END
$pgwright$;

CREATE TABLE IF NOT EXISTS public.customers (
    id bigint NOT NULL,
    email public.email,
    balance public.positive_amount,
    state public.known_status,
    CONSTRAINT customers_pkey PRIMARY KEY (id)
);

COMMENT ON DOMAIN public.email IS 'An address with an @.';
