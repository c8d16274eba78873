ALTER TABLE IF EXISTS public.obsolete DROP CONSTRAINT IF EXISTS obsolete_keep_id_fkey;

-- DESTRUCTIVE: removes something the spec no longer declares
DROP TABLE IF EXISTS public.obsolete;
