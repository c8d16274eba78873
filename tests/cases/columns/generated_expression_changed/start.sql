CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
CREATE TABLE public.items (
    id integer PRIMARY KEY,
    price numeric NOT NULL,
    qty integer NOT NULL,
    code text GENERATED ALWAYS AS ('I' || id::text) STORED UNIQUE,
    total numeric GENERATED ALWAYS AS (price * qty) STORED,
    CONSTRAINT total_positive CHECK (total >= 0)
);
CREATE INDEX items_total_idx ON public.items (total);
CREATE INDEX items_lower_idx ON public.items (lower(code)) WHERE total > 10;
ALTER TABLE public.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY big_only ON public.items FOR SELECT USING (total > 0);
CREATE TRIGGER touch_total BEFORE UPDATE OF total, qty ON public.items
    FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE TABLE public.notes (id integer PRIMARY KEY, item_code text REFERENCES public.items (code));
INSERT INTO public.items VALUES (1, 2, 3);
INSERT INTO public.notes VALUES (1, 'I1');
