DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typname = 'payment_status') THEN
    CREATE TYPE public.payment_status AS ENUM ('new', 'paid', 'refunded');
  END IF;
END
$pgwright$;

-- every amount_cents value must convert to integer: stop, counting those that do not
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  EXECUTE E'CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\nRETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n  EXECUTE pg_catalog.format(\'SELECT %L::%s\', value, type_name);\n  RETURN true;\nEXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$';
  SELECT count(*) INTO violations FROM public.payments WHERE amount_cents IS NOT NULL AND NOT pg_temp.pgwright_converts(amount_cents::text, 'integer'::pg_catalog.regtype);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT amount_cents FROM public.payments WHERE amount_cents IS NOT NULL AND NOT pg_temp.pgwright_converts(amount_cents::text, 'integer'::pg_catalog.regtype) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.payments would violate amount_cents TYPE integer: values of amount_cents that do not convert to integer; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix those values first, or give the column a using: expression that converts them';
  END IF;
END
$pgwright$;

-- type text -> integer
-- DESTRUCTIVE: integer may not hold every text value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.payments'::pg_catalog.regclass
      AND attname = 'amount_cents';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'integer' THEN
    ALTER TABLE public.payments ALTER COLUMN amount_cents TYPE integer USING amount_cents::integer;
  END IF;
END
$pgwright$;

-- every external_id value must convert to uuid: stop, counting those that do not
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  EXECUTE E'CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\nRETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n  EXECUTE pg_catalog.format(\'SELECT %L::%s\', value, type_name);\n  RETURN true;\nEXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$';
  SELECT count(*) INTO violations FROM public.payments WHERE external_id IS NOT NULL AND NOT pg_temp.pgwright_converts(external_id::text, 'uuid'::pg_catalog.regtype);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT external_id FROM public.payments WHERE external_id IS NOT NULL AND NOT pg_temp.pgwright_converts(external_id::text, 'uuid'::pg_catalog.regtype) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.payments would violate external_id TYPE uuid: values of external_id that do not convert to uuid; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix those values first, or give the column a using: expression that converts them';
  END IF;
END
$pgwright$;

-- type text -> uuid
-- DESTRUCTIVE: uuid may not hold every text value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.payments'::pg_catalog.regclass
      AND attname = 'external_id';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'uuid' THEN
    ALTER TABLE public.payments ALTER COLUMN external_id TYPE uuid USING external_id::uuid;
  END IF;
END
$pgwright$;

-- every status value must convert to public.payment_status: stop, counting those that do not
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  EXECUTE E'CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\nRETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n  EXECUTE pg_catalog.format(\'SELECT %L::%s\', value, type_name);\n  RETURN true;\nEXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$';
  SELECT count(*) INTO violations FROM public.payments WHERE status IS NOT NULL AND NOT pg_temp.pgwright_converts(status::text, 'public.payment_status'::pg_catalog.regtype);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT status FROM public.payments WHERE status IS NOT NULL AND NOT pg_temp.pgwright_converts(status::text, 'public.payment_status'::pg_catalog.regtype) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.payments would violate status TYPE public.payment_status: values of status that do not convert to public.payment_status; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix those values first, or give the column a using: expression that converts them';
  END IF;
END
$pgwright$;

-- type text -> public.payment_status
-- DESTRUCTIVE: public.payment_status may not hold every text value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.payments'::pg_catalog.regclass
      AND attname = 'status';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'public.payment_status' THEN
    ALTER TABLE public.payments ALTER COLUMN status DROP DEFAULT,
      ALTER COLUMN status TYPE public.payment_status USING status::public.payment_status,
      ALTER COLUMN status SET DEFAULT 'new';
  END IF;
END
$pgwright$;

-- every tags value must convert to public.payment_status[]: stop, counting those that do not
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  EXECUTE E'CREATE OR REPLACE FUNCTION pg_temp.pgwright_converts(value text, type_name regtype)\nRETURNS boolean LANGUAGE plpgsql AS $converts$\nBEGIN\n  EXECUTE pg_catalog.format(\'SELECT %L::%s\', value, type_name);\n  RETURN true;\nEXCEPTION WHEN OTHERS THEN\n  RETURN false;\nEND\n$converts$';
  SELECT count(*) INTO violations FROM public.payments WHERE tags IS NOT NULL AND NOT pg_temp.pgwright_converts(tags::text, 'public.payment_status[]'::pg_catalog.regtype);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT tags FROM public.payments WHERE tags IS NOT NULL AND NOT pg_temp.pgwright_converts(tags::text, 'public.payment_status[]'::pg_catalog.regtype) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.payments would violate tags TYPE public.payment_status[]: values of tags that do not convert to public.payment_status[]; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix those values first, or give the column a using: expression that converts them';
  END IF;
END
$pgwright$;

-- type text[] -> public.payment_status[]
-- DESTRUCTIVE: public.payment_status[] may not hold every text[] value: the conversion can fail or lose data
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.payments'::pg_catalog.regclass
      AND attname = 'tags';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'public.payment_status[]' THEN
    ALTER TABLE public.payments ALTER COLUMN tags TYPE public.payment_status[] USING tags::public.payment_status[];
  END IF;
END
$pgwright$;
