CREATE TABLE IF NOT EXISTS public."order" (
    id integer NOT NULL,
    "user" text,
    "Mixed Case" text,
    "with ""quote""" integer,
    CONSTRAINT order_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public."select" (
    id integer NOT NULL,
    "order" integer,
    CONSTRAINT select_pkey PRIMARY KEY (id),
    CONSTRAINT "positive order" CHECK ("order" > 0)
);

CREATE INDEX IF NOT EXISTS select_order_idx ON public."select" USING btree ("order");

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public."select"'::pg_catalog.regclass AND conname = 'select_order_fkey') THEN
    ALTER TABLE public."select" ADD CONSTRAINT select_order_fkey FOREIGN KEY ("order") REFERENCES public."order" (id) ON DELETE CASCADE;
  END IF;
END
$pgwright$;

COMMENT ON COLUMN public."order"."user" IS 'a reserved word';
