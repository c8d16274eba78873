CREATE TABLE IF NOT EXISTS public.customers (
    id integer NOT NULL,
    organization_id integer NOT NULL,
    segment_id integer,
    referred_by integer,
    CONSTRAINT customers_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.segments (
    organization_id integer NOT NULL,
    id integer NOT NULL,
    CONSTRAINT segments_pkey PRIMARY KEY (organization_id, id)
);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'customers_organization_id_segment_id_fkey') THEN
    ALTER TABLE public.customers ADD CONSTRAINT customers_organization_id_segment_id_fkey FOREIGN KEY (organization_id, segment_id) REFERENCES public.segments (organization_id, id) ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'customers_referred_by_fkey') THEN
    ALTER TABLE public.customers ADD CONSTRAINT customers_referred_by_fkey FOREIGN KEY (referred_by) REFERENCES public.customers (id) ON DELETE SET NULL ON UPDATE CASCADE;
  END IF;
END
$pgwright$;
