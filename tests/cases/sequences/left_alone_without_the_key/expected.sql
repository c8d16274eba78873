CREATE TABLE IF NOT EXISTS public.notes (
    id bigint NOT NULL,
    CONSTRAINT notes_pkey PRIMARY KEY (id)
);
