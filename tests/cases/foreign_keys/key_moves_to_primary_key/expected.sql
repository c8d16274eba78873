-- preflight: groups of rows sharing (id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT id FROM public.t WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.t WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_pkey: groups of rows sharing (id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: rows where id is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.t WHERE id IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT ctid FROM public.t WHERE id IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.t would violate t_pkey: rows where id is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- dropped to be created again: the plan drops the key on t(id) it rests on
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.notes') AND c.conname = 'notes_t_id_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['t_id']::pg_catalog.name[]) THEN
    ALTER TABLE public.notes DROP CONSTRAINT notes_t_id_fkey;
  END IF;
END
$pgwright$;

-- dropped to be created again: the plan drops the key on t(id) it rests on
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 't_parent_id_fkey' AND c.contype = 'f' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['parent_id']::pg_catalog.name[]) THEN
    ALTER TABLE public.t DROP CONSTRAINT t_parent_id_fkey;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.t') AND c.conname = 't_id_key' AND c.contype = 'u' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['id']::pg_catalog.name[]) THEN
    ALTER TABLE public.t DROP CONSTRAINT t_id_key;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.t'::pg_catalog.regclass AND conname = 't_pkey') THEN
    ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.notes'::pg_catalog.regclass AND conname = 'notes_t_id_fkey') THEN
    ALTER TABLE public.notes ADD CONSTRAINT notes_t_id_fkey FOREIGN KEY (t_id) REFERENCES public.t (id) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.notes VALIDATE CONSTRAINT notes_t_id_fkey;

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
