CREATE TABLE IF NOT EXISTS public.t (
    x text
);
