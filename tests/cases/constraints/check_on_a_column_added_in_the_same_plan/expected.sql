ALTER TABLE public.t ADD COLUMN IF NOT EXISTS y integer;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 'c1') THEN
    ALTER TABLE public.t ADD CONSTRAINT c1 CHECK (y > 0) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.t VALIDATE CONSTRAINT c1;
