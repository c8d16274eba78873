-- preflight: src(s) values with no row in tgt(k)
DO $pgwright$
DECLARE
  violations bigint;
  examples text;
BEGIN
  SELECT count(*) INTO violations FROM public.src c WHERE c.s IS NOT NULL;
  IF violations > 0 THEN
    SELECT pg_catalog.string_agg(sample::text, ', ') INTO examples
      FROM (SELECT DISTINCT c.s FROM public.src c WHERE c.s IS NOT NULL LIMIT 5) sample;
    RAISE EXCEPTION 'pgwright preflight: % row(s) of public.src would violate src_s_fkey: src(s) values with no row in tgt(k); for example: %', violations, examples
      USING ERRCODE = 'check_violation', HINT = 'clean the rows first (pgwright orphans lists them), or declare orphans: delete | set_null on the foreign key';
  END IF;
END
$pgwright$;

ALTER TABLE public.tgt ADD COLUMN IF NOT EXISTS k integer;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.tgt'::pg_catalog.regclass AND conname = 'tgt_k_key') THEN
    ALTER TABLE public.tgt ADD CONSTRAINT tgt_k_key UNIQUE (k);
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.src'::pg_catalog.regclass AND conname = 'src_s_fkey') THEN
    ALTER TABLE public.src ADD CONSTRAINT src_s_fkey FOREIGN KEY (s) REFERENCES public.tgt (k) NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.src VALIDATE CONSTRAINT src_s_fkey;
