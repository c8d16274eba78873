DO $pgwright$
BEGIN
  IF pg_catalog.to_regclass('public.old_notes') IS NOT NULL AND pg_catalog.to_regclass('public.notes') IS NULL THEN
    ALTER TABLE public.old_notes RENAME TO notes;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.notes'::pg_catalog.regclass AND conname = 'old_notes_pkey') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.notes'::pg_catalog.regclass AND conname = 'notes_pkey') THEN
    ALTER TABLE public.notes RENAME CONSTRAINT old_notes_pkey TO notes_pkey;
  END IF;
END
$pgwright$;

GRANT INSERT ON TABLE public.notes TO api_user;
