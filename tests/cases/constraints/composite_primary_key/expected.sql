-- preflight: groups of rows sharing (customer_id, label_id)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM (SELECT customer_id, label_id FROM public.label_assignments WHERE customer_id IS NOT NULL AND label_id IS NOT NULL GROUP BY customer_id, label_id HAVING count(*) > 1) duplicates;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT customer_id, label_id FROM public.label_assignments WHERE customer_id IS NOT NULL AND label_id IS NOT NULL GROUP BY customer_id, label_id HAVING count(*) > 1 LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.label_assignments would violate label_assignments_pkey: groups of rows sharing (customer_id, label_id); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: rows where customer_id is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.label_assignments WHERE customer_id IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.label_assignments WHERE customer_id IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.label_assignments would violate label_assignments_pkey: rows where customer_id is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

-- preflight: rows where label_id is NULL
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.label_assignments WHERE label_id IS NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT id FROM public.label_assignments WHERE label_id IS NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.label_assignments would violate label_assignments_pkey: rows where label_id is NULL; for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'fix or remove those rows first';
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.label_assignments') AND c.conname = 'label_assignments_pkey' AND c.contype = 'p' AND ARRAY(SELECT a.attname FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) = ARRAY['id']::pg_catalog.name[]) THEN
    ALTER TABLE public.label_assignments DROP CONSTRAINT label_assignments_pkey;
  END IF;
END
$pgwright$;

-- DESTRUCTIVE: removes something the spec no longer declares
ALTER TABLE public.label_assignments DROP COLUMN IF EXISTS id;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.label_assignments'::pg_catalog.regclass AND conname = 'label_assignments_pkey') THEN
    ALTER TABLE public.label_assignments ADD CONSTRAINT label_assignments_pkey PRIMARY KEY (customer_id, label_id);
  END IF;
END
$pgwright$;
