ALTER TABLE public.label_assignments DROP CONSTRAINT IF EXISTS label_assignments_pkey;

-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.label_assignments DROP COLUMN IF EXISTS id;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.label_assignments'::pg_catalog.regclass AND conname = 'label_assignments_pkey') THEN
    ALTER TABLE public.label_assignments ADD CONSTRAINT label_assignments_pkey PRIMARY KEY (customer_id, label_id);
  END IF;
END
$pgwright$;
