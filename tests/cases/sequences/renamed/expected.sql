ALTER SEQUENCE IF EXISTS public.invoice_seq RENAME TO invoice_numbers;

ALTER TABLE public.invoices ALTER COLUMN number SET DEFAULT nextval('invoice_numbers');
