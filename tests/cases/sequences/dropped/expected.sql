-- DESTRUCTIVE: removes something the spec no longer declares
DROP SEQUENCE IF EXISTS public.old_numbers;
