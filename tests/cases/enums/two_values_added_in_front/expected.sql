-- pgwright:no-transaction
ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'a' BEFORE 'c';

-- pgwright:no-transaction
ALTER TYPE public.status ADD VALUE IF NOT EXISTS 'b' AFTER 'a';
