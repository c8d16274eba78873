-- preflight: rows failing CHECK (amount >= 0)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.fees WHERE (amount >= 0) IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.fees WHERE (amount >= 0) IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.fees would violate fees_amount_check: rows failing CHECK (amount >= 0); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.fees_lower_idx;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.fees') AND c.conname = 'fees_amount_check' AND c.contype = 'c') THEN
    ALTER TABLE public.fees DROP CONSTRAINT fees_amount_check;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.fees'::pg_catalog.regclass AND conname = 'fees_amount_check') THEN
    ALTER TABLE public.fees ADD CONSTRAINT fees_amount_check CHECK (amount >= 0) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.fees VALIDATE CONSTRAINT fees_amount_check;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.fees_lower_idx') AND NOT indisvalid) THEN
    DROP INDEX public.fees_lower_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS fees_lower_idx ON public.fees USING btree (lower(label)) WHERE amount > 0;
