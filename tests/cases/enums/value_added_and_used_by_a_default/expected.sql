-- pgwright:no-transaction
ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'done' AFTER 'draft';

ALTER TABLE public.t ALTER COLUMN s SET DEFAULT 'done';
