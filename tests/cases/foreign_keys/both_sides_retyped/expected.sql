-- preflight: t(parent_id) values with no row in t(id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.id = c.parent_id);
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.parent_id FROM public.t c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.t p WHERE p.id = c.parent_id) LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_parent_id_fkey: t(parent_id) values with no row in t(id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

-- dropped to be created again: both parent_id and t(id) change type
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 't_parent_id_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['parent_id']::pg_catalog.name[]) THEN
    ALTER TABLE public.t DROP CONSTRAINT t_parent_id_fkey;
  END IF;
END
$pgwright$;

-- type integer -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.t'::pg_catalog.regclass
      AND attname = 'id';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.t ALTER COLUMN id TYPE text;
  END IF;
END
$pgwright$;

-- type integer -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.t'::pg_catalog.regclass
      AND attname = 'parent_id';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.t ALTER COLUMN parent_id TYPE text;
  END IF;
END
$pgwright$;

-- type integer -> bigint
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.t'::pg_catalog.regclass
      AND attname = 'size';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'bigint' THEN
    ALTER TABLE public.t ALTER COLUMN size TYPE bigint;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 't_parent_id_fkey') THEN
    ALTER TABLE public.t ADD CONSTRAINT t_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.t (id) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.t VALIDATE CONSTRAINT t_parent_id_fkey;
