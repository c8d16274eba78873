-- type uuid -> text
DO $pgwright$
DECLARE
  path text := pg_catalog.current_setting('search_path');
  current_type text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', '', true);
  SELECT pg_catalog.format_type(atttypid, atttypmod) INTO current_type
    FROM pg_catalog.pg_attribute WHERE attrelid = 'public.tgt'::pg_catalog.regclass
      AND attname = 'k';
  PERFORM pg_catalog.set_config('search_path', path, true);
  IF current_type IS DISTINCT FROM 'text' THEN
    ALTER TABLE public.tgt ALTER COLUMN k TYPE text;
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
