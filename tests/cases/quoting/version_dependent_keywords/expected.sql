ALTER TABLE public.t ADD COLUMN IF NOT EXISTS "merge_action" integer;
