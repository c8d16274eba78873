-- preflight: rows failing CHECK (age >= 0)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.customers WHERE (age >= 0) IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.customers WHERE (age >= 0) IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.customers would violate age_positive: rows failing CHECK (age >= 0); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: groups of rows sharing (organization_id, email)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT organization_id, email FROM public.customers WHERE organization_id IS NOT NULL AND email IS NOT NULL GROUP BY organization_id, email HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT organization_id, email FROM public.customers WHERE organization_id IS NOT NULL AND email IS NOT NULL GROUP BY organization_id, email HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.customers would violate customers_organization_id_email_key: groups of rows sharing (organization_id, email); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.customers') AND c.conname = 'age_positive' AND c.contype = 'c') THEN
    ALTER TABLE public.customers DROP CONSTRAINT age_positive;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.customers') AND c.conname = 'customers_email_key' AND c.contype = 'u' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['email']::pg_catalog.name[]) THEN
    ALTER TABLE public.customers DROP CONSTRAINT customers_email_key;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.customers'::pg_catalog.regclass AND conname = 'age_positive') THEN
    ALTER TABLE public.customers ADD CONSTRAINT age_positive CHECK (age >= 0) NOT VALID;
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
