CREATE SEQUENCE IF NOT EXISTS public.line_numbers AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;

CREATE TABLE IF NOT EXISTS public.lines (
    id bigint NOT NULL,
    number bigint DEFAULT nextval('line_numbers'),
    CONSTRAINT lines_pkey PRIMARY KEY (id)
);

ALTER SEQUENCE IF EXISTS public.line_numbers OWNED BY public.lines.number;

ALTER TABLE public.orders ALTER COLUMN number SET DEFAULT nextval('loose_numbers');

ALTER SEQUENCE IF EXISTS public.loose_numbers OWNED BY public.orders.number;
