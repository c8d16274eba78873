-- preflight: rows where active is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.products WHERE active IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.products WHERE active IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.products would violate active NOT NULL: rows where active is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: rows where sku is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.products WHERE sku IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.products WHERE sku IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.products would violate sku NOT NULL: rows where sku is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- type character varying(50) -> character varying(120)
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.products'::pg_catalog.regclass
      AND attname = 'name';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'character varying(120)' THEN
    ALTER TABLE public.products ALTER COLUMN name TYPE character varying(120);
  END IF;
END
$pgwright$;

-- type numeric(10,2) -> numeric(12,2)
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.products'::pg_catalog.regclass
      AND attname = 'price';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'numeric(12,2)' THEN
    ALTER TABLE public.products ALTER COLUMN price DROP DEFAULT,
      ALTER COLUMN price TYPE numeric(12,2);
  END IF;
END
$pgwright$;

ALTER TABLE public.products ALTER COLUMN active SET DEFAULT true;

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
