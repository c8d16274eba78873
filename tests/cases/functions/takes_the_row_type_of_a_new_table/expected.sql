-- function bodies are checked when first called
SET check_function_bodies = off;

CREATE TABLE IF NOT EXISTS public.invoices (
    id integer NOT NULL,
    total_cents bigint NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id)
);

CREATE OR REPLACE FUNCTION public.invoice_total(invoice public.invoices)
RETURNS bigint
LANGUAGE sql
IMMUTABLE
AS $function$select invoice.total_cents$function$;
