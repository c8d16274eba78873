-- function bodies are checked when first called
SET check_function_bodies = off;

-- preflight: rows failing CHECK (is_positive(quantity))
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.items WHERE (is_positive(quantity)) IS FALSE;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.items WHERE (is_positive(quantity)) IS FALSE LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.items would violate items_quantity_check: rows failing CHECK (is_positive(quantity)); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- dropped to be created again: function is_positive is dropped and made again
DROP POLICY IF EXISTS items_visible ON public.items;

-- dropped to be created again: function is_positive is dropped and made again
DROP INDEX IF EXISTS public.items_positive;

-- dropped to be created again: function is_positive is dropped and made again
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.items') AND c.conname = 'items_quantity_check' AND c.contype = 'c') THEN
    ALTER TABLE public.items DROP CONSTRAINT items_quantity_check;
  END IF;
END
$pgwright$;

-- dropped to be made again: its result type or argument names change, which CREATE OR REPLACE cannot do
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  stale boolean;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.pg_get_function_result(oid) IS DISTINCT FROM 'boolean'
      OR coalesce(proargnames, '{}') IS DISTINCT FROM ARRAY['amount']::text[]
    INTO stale FROM pg_catalog.pg_proc
    WHERE oid = pg_catalog.to_regprocedure('public.is_positive(integer)');
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF stale THEN
    DROP FUNCTION public.is_positive(integer);
  END IF;
END
$pgwright$;

CREATE OR REPLACE FUNCTION public.is_positive(amount integer)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
AS $function$select amount > 0$function$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = 'public.items'::pg_catalog.regclass AND polname = 'items_visible') THEN
    CREATE POLICY items_visible ON public.items AS PERMISSIVE FOR SELECT TO PUBLIC USING (is_positive(id));
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.items'::pg_catalog.regclass AND conname = 'items_quantity_check') THEN
    ALTER TABLE public.items ADD CONSTRAINT items_quantity_check CHECK (is_positive(quantity)) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.items VALIDATE CONSTRAINT items_quantity_check;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.items_positive') AND NOT indisvalid) THEN
    DROP INDEX public.items_positive;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS items_positive ON public.items USING btree (id) WHERE is_positive(quantity);
