CREATE TABLE IF NOT EXISTS public.t (
    n numeric(5,0)
);
