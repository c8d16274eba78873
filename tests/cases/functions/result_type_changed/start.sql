CREATE FUNCTION public.next_number() RETURNS integer LANGUAGE sql AS 'select 1';
