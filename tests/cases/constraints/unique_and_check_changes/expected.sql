ALTER TABLE public.customers DROP CONSTRAINT IF EXISTS age_positive;

-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.customers DROP CONSTRAINT IF EXISTS customers_email_key;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'age_positive') THEN
    ALTER TABLE public.customers ADD CONSTRAINT age_positive CHECK ((age >= 0)) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.customers VALIDATE CONSTRAINT age_positive;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'customers_organization_id_email_key') THEN
    ALTER TABLE public.customers ADD CONSTRAINT customers_organization_id_email_key UNIQUE (organization_id, email);
  END IF;
END
$pgwright$;
