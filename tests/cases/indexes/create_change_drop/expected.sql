-- DESTRUCTIVE: removes something the spec no longer declares
-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.messages_obsolete_idx;

-- pgwright:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS public.messages_recent_idx;

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.messages_conversation_id_sent_at_idx') AND NOT indisvalid) THEN
    DROP INDEX public.messages_conversation_id_sent_at_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_id_sent_at_idx ON public.messages USING btree (conversation_id, sent_at DESC) INCLUDE (body);

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.messages_recent_idx') AND NOT indisvalid) THEN
    DROP INDEX public.messages_recent_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_recent_idx ON public.messages USING btree (sent_at) WHERE sent_at > '2024-01-01';

DO $pgwright$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass('public.messages_tags_idx') AND NOT indisvalid) THEN
    DROP INDEX public.messages_tags_idx;
  END IF;
END
$pgwright$;

-- built CONCURRENTLY: writers are not blocked
-- pgwright:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_tags_idx ON public.messages USING gin (tags);
