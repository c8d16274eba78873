DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'approval_status') THEN
    CREATE TYPE public.approval_status AS ENUM ('requested', 'approved', 'rejected');
  END IF;
END
$pgwright$;

-- pgwright:no-transaction
ALTER TYPE public.order_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'draft';

-- pgwright:no-transaction
ALTER TYPE public.order_status ADD VALUE IF NOT EXISTS 'confirmed' AFTER 'draft';

-- pgwright:no-transaction
ALTER TYPE public.order_status ADD VALUE IF NOT EXISTS 'cancelled' AFTER 'shipped';

CREATE TABLE IF NOT EXISTS public.orders (
    id integer NOT NULL,
    status public.order_status DEFAULT 'draft' NOT NULL,
    CONSTRAINT orders_pkey PRIMARY KEY (id)
);

COMMENT ON TYPE public.approval_status IS 'Where an AI approval stands.';

-- DESTRUCTIVE: removes something the spec no longer declares
DROP TYPE IF EXISTS public.obsolete_kind;
