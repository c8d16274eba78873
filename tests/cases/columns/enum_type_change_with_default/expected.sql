-- every state value must convert to public.order_stage: stop, counting those that do not
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  EXECUTE E'CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\nRETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n  EXECUTE pg_catalog.format(\'SELECT %L::%s\', value, type_name);\n  RETURN true;\nEXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$';
  SELECT count(*) INTO violations FROM public.orders WHERE state IS NOT NULL AND NOT pg_temp.pgwright_converts(state::text, 'public.order_stage'::pg_catalog.regtype);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT state FROM public.orders WHERE state IS NOT NULL AND NOT pg_temp.pgwright_converts(state::text, 'public.order_stage'::pg_catalog.regtype) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.orders would violate state TYPE public.order_stage: values of state that do not convert to public.order_stage; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix those values first, or give the column a using: expression that converts them';
  END IF;
END
$pgwright$;

-- type public.order_state -> public.order_stage
-- DESTRUCTIVE: public.order_stage may not hold every public.order_state value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.orders'::pg_catalog.regclass
      AND attname = 'state';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'public.order_stage' THEN
    ALTER TABLE public.orders ALTER COLUMN state DROP DEFAULT,
      ALTER COLUMN state TYPE public.order_stage USING state::text::public.order_stage,
      ALTER COLUMN state SET DEFAULT 'open';
  END IF;
END
$pgwright$;
