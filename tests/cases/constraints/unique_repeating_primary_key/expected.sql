CREATE TABLE IF NOT EXISTS public.orders (
    id integer NOT NULL,
    code text,
    region text,
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_code_region_again UNIQUE (code, region),
    CONSTRAINT orders_region_code_key UNIQUE (region, code)
);

-- orders_code_region_key repeats the columns of an earlier key: CREATE TABLE would leave it out
DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.orders'::pg_catalog.regclass AND conname = 'orders_code_region_key') THEN
    ALTER TABLE public.orders ADD CONSTRAINT orders_code_region_key UNIQUE (code, region);
  END IF;
END
$pgwright$;

-- orders_id_key repeats the columns of an earlier key: CREATE TABLE would leave it out
DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.orders'::pg_catalog.regclass AND conname = 'orders_id_key') THEN
    ALTER TABLE public.orders ADD CONSTRAINT orders_id_key UNIQUE (id);
  END IF;
END
$pgwright$;
