-- type character varying(50) -> character varying(120)
ALTER TABLE public.products ALTER COLUMN name TYPE character varying(120);

-- type numeric(10,2) -> numeric(12,2)
ALTER TABLE public.products ALTER COLUMN price TYPE numeric(12,2);

ALTER TABLE public.products ALTER COLUMN active SET DEFAULT true;

ALTER TABLE public.products ALTER COLUMN price DROP DEFAULT;

ALTER TABLE public.products ALTER COLUMN active SET NOT NULL;

ALTER TABLE public.products ALTER COLUMN name DROP NOT NULL;

ALTER TABLE public.products ALTER COLUMN sku SET NOT NULL;
