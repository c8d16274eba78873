-- pgwright:no-transaction
ALTER TYPE public.task_state ADD VALUE IF NOT EXISTS 'blocked' AFTER 'open';

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass('public.tasks') AND c.conname = 'tasks_state_check' AND c.contype = 'c') THEN
    ALTER TABLE public.tasks DROP CONSTRAINT tasks_state_check;
  END IF;
END
$pgwright$;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'public.tasks'::pg_catalog.regclass AND conname = 'tasks_state_check') THEN
    ALTER TABLE public.tasks ADD CONSTRAINT tasks_state_check CHECK (state <> 'blocked') NOT VALID;
  END IF;
END
$pgwright$;

-- validated outside the transaction: writers are not blocked
-- pgwright:no-transaction
ALTER TABLE public.tasks VALIDATE CONSTRAINT tasks_state_check;
