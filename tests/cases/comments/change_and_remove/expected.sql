COMMENT ON TABLE public.invoices IS 'Customer''s invoice; it''s final once sent. -- not a SQL comment; $$ neither';

COMMENT ON COLUMN public.invoices.id IS 'Ünïcode ✓ and ''quotes''';

COMMENT ON COLUMN public.invoices.total IS NULL;
