-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.lines DROP COLUMN IF EXISTS doubled;

-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.lines DROP COLUMN IF EXISTS amount;
