CREATE TABLE messages (id integer PRIMARY KEY, conversation_id integer, body text, tags text[], sent_at timestamptz);
CREATE INDEX messages_conversation_id_idx ON messages (conversation_id);
CREATE INDEX messages_recent_idx ON messages (sent_at) WHERE sent_at > '2020-01-01';
CREATE INDEX messages_obsolete_idx ON messages (body);
