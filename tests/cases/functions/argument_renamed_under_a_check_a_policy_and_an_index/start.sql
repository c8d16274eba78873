CREATE FUNCTION public.is_positive(a integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select a > 0';
CREATE TABLE public.items (id integer PRIMARY KEY, quantity integer,
    CONSTRAINT items_quantity_check CHECK (public.is_positive(quantity)));
CREATE INDEX items_positive ON public.items (id) WHERE public.is_positive(quantity);
ALTER TABLE public.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_visible ON public.items FOR SELECT USING (public.is_positive(id));
INSERT INTO public.items VALUES (1, 3);
