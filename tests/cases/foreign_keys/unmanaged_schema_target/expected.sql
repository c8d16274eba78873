CREATE TABLE IF NOT EXISTS public.profiles (
    id uuid NOT NULL,
    display_name text,
    CONSTRAINT profiles_pkey PRIMARY KEY (id)
);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.profiles'::pg_catalog.regclass AND conname = 'profiles_id_fkey') THEN
    ALTER TABLE public.profiles ADD CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE;
  END IF;
END
$pgwright$;
