-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.customers DROP COLUMN IF EXISTS legacy_code;

ALTER TABLE public.customers ADD COLUMN IF NOT EXISTS created_at timestamp with time zone DEFAULT now() NOT NULL;

ALTER TABLE public.customers ADD COLUMN IF NOT EXISTS phone character varying(40);

COMMENT ON COLUMN public.customers.phone IS 'E.164 format.';
