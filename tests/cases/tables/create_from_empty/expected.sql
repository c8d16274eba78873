CREATE TABLE IF NOT EXISTS public.customers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    email character varying(320),
    CONSTRAINT customers_pkey PRIMARY KEY (id),
    CONSTRAINT customers_organization_id_email_key UNIQUE (organization_id, email)
);

CREATE TABLE IF NOT EXISTS public.organizations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS customers_organization_id_idx ON public.customers USING btree (organization_id);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'customers_organization_id_fkey') THEN
    ALTER TABLE public.customers ADD CONSTRAINT customers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE;
  END IF;
END
$pgwright$;

COMMENT ON TABLE public.organizations IS 'Tenant root.';
