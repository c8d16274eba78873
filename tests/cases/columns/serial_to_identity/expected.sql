DO $pgwright$
DECLARE
  serial_sequence text;
  next_value bigint;
  sequence_next bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'public.notes'::pg_catalog.regclass AND attname = 'id' AND attidentity = '') THEN
    SELECT pg_catalog.max(id) INTO next_value FROM public.notes;
    next_value := coalesce(next_value, 0) + 1;
    serial_sequence := pg_catalog.pg_get_serial_sequence('public.notes', 'id');
    IF serial_sequence IS NOT NULL THEN
      EXECUTE 'SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM '
        || serial_sequence INTO sequence_next;
      next_value := greatest(next_value, sequence_next);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = 'public.notes'::pg_catalog.regclass AND attname = 'id' AND atthasdef) THEN
      ALTER TABLE public.notes ALTER COLUMN id DROP DEFAULT;
    END IF;
    IF serial_sequence IS NOT NULL THEN
      EXECUTE 'DROP SEQUENCE ' || serial_sequence;
    END IF;
    ALTER TABLE public.notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
    PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.notes', 'id'), next_value, false);
  END IF;
END
$pgwright$;
