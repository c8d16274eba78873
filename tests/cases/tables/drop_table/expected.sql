-- DESTRUCTIVE: removes something the spec no longer declares
DROP TABLE IF EXISTS public.obsolete;
