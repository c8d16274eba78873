-- DESTRUCTIVE: removes something the spec no longer declares
DROP INDEX IF EXISTS public.messages_obsolete_idx;

-- DESTRUCTIVE: removes something the spec no longer declares
DROP INDEX IF EXISTS public.messages_recent_idx;

CREATE INDEX IF NOT EXISTS messages_conversation_id_sent_at_idx ON public.messages USING btree (conversation_id, sent_at DESC) INCLUDE (body);

CREATE INDEX IF NOT EXISTS messages_recent_idx ON public.messages USING btree (sent_at) WHERE (sent_at > '2024-01-01 00:00:00+00'::timestamp with time zone);

CREATE INDEX IF NOT EXISTS messages_tags_idx ON public.messages USING gin (tags);
