-- preflight: rows where email is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.customers WHERE email IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.customers WHERE email IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.customers would violate domain email NOT NULL: rows where email is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: values of email failing CHECK (VALUE ~ '[.]')
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.customers WHERE (email ~ '[.]') IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.customers WHERE (email ~ '[.]') IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.customers would violate domain email check has_dot: values of email failing CHECK (VALUE ~ ''[.]''); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

ALTER DOMAIN public.email SET DEFAULT 'nobody@example.com';

ALTER DOMAIN public.email SET NOT NULL;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_type t ON t.oid = c.contypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'email' AND c.conname = 'has_dot') THEN
    ALTER DOMAIN public.email ADD CONSTRAINT has_dot CHECK (VALUE ~ '[.]') NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER DOMAIN public.email VALIDATE CONSTRAINT has_dot;

-- DESTRUCTIVE: removes something the spec no longer declares
ALTER DOMAIN public.email DROP CONSTRAINT IF EXISTS short;
