-- preflight: orders(organization_id) values with no row in organizations(id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.orders c WHERE c.organization_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.organizations p WHERE p.id = c.organization_id);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.organization_id FROM public.orders c WHERE c.organization_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.organizations p WHERE p.id = c.organization_id) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.orders would violate orders_organization_id_fkey: orders(organization_id) values with no row in organizations(id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.customers') AND c.conname = 'customers_organization_id_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['organization_id']::pg_catalog.name[]) THEN
    ALTER TABLE public.customers DROP CONSTRAINT customers_organization_id_fkey;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.orders') AND c.conname = 'orders_customer_id_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['customer_id']::pg_catalog.name[]) THEN
    ALTER TABLE public.orders DROP CONSTRAINT orders_customer_id_fkey;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'customers_organization_id_fkey') THEN
    ALTER TABLE public.customers ADD CONSTRAINT customers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.customers VALIDATE CONSTRAINT customers_organization_id_fkey;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.orders'::pg_catalog.regclass AND conname = 'orders_customer_id_fkey') THEN
    ALTER TABLE public.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE SET NULL NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.orders'::pg_catalog.regclass AND conname = 'orders_organization_id_fkey') THEN
    ALTER TABLE public.orders ADD CONSTRAINT orders_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.orders VALIDATE CONSTRAINT orders_organization_id_fkey;
