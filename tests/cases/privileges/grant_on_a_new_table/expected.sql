CREATE TABLE IF NOT EXISTS public.notes (
    id integer NOT NULL,
    body text,
    CONSTRAINT notes_pkey PRIMARY KEY (id)
);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = 'public.notes'::pg_catalog.regclass AND polname = 'notes_read') THEN
    CREATE POLICY notes_read ON public.notes AS PERMISSIVE FOR SELECT TO api_anon, api_user USING (true);
  END IF;
END
$pgwright$;

ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON TABLE public.notes TO api_anon;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.notes TO api_user;
