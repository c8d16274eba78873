CREATE TABLE public.lines (
    id integer PRIMARY KEY,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    total numeric GENERATED ALWAYS AS (quantity * unit_price) STORED,
    CONSTRAINT total_not_negative CHECK (total >= 0 AND quantity >= 0)
);
CREATE INDEX lines_total_idx ON public.lines (total);
INSERT INTO public.lines VALUES (1, 2, 3.50);
