CREATE TABLE IF NOT EXISTS public.t (
    "a$b_c$d" integer,
    CONSTRAINT c1 CHECK (a$b_c$d > 0)
);
