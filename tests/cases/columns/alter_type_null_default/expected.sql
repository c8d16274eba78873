-- type character varying(50) -> character varying(120)
ALTER TABLE public.products ALTER COLUMN name TYPE character varying(120);

-- type numeric(10,2) -> numeric(12,2)
ALTER TABLE public.products ALTER COLUMN price TYPE numeric(12,2);

ALTER TABLE public.products ALTER COLUMN active SET DEFAULT true;

ALTER TABLE public.products ALTER COLUMN price DROP DEFAULT;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.products'::pg_catalog.regclass AND conname = 'products_active_not_null') THEN
    ALTER TABLE public.products ADD CONSTRAINT products_active_not_null CHECK (active IS NOT NULL) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.products VALIDATE CONSTRAINT products_active_not_null;

ALTER TABLE public.products ALTER COLUMN active SET NOT NULL;

ALTER TABLE public.products DROP CONSTRAINT IF EXISTS products_active_not_null;

ALTER TABLE public.products ALTER COLUMN name DROP NOT NULL;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.products'::pg_catalog.regclass AND conname = 'products_sku_not_null') THEN
    ALTER TABLE public.products ADD CONSTRAINT products_sku_not_null CHECK (sku IS NOT NULL) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.products VALIDATE CONSTRAINT products_sku_not_null;

ALTER TABLE public.products ALTER COLUMN sku SET NOT NULL;

ALTER TABLE public.products DROP CONSTRAINT IF EXISTS products_sku_not_null;
