-- pgwright:no-transaction
ALTER TYPE public.task_state ADD VALUE IF NOT EXISTS 'blocked' AFTER 'open';
