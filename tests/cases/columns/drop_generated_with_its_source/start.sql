CREATE TABLE public.lines (
    id integer PRIMARY KEY,
    amount numeric NOT NULL,
    doubled numeric GENERATED ALWAYS AS (amount * 2) STORED
);
