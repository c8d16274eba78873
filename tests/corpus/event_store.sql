-- An event store with projections. Events are append-only (a trigger refuses UPDATE and
-- DELETE); streams hold events of any aggregate type, so stream_id has no foreign key.
-- Projections are tables rebuilt from the events, plus a view and a materialized view.

CREATE SCHEMA events;
COMMENT ON SCHEMA events IS 'The source of truth: streams of immutable events.';
CREATE SCHEMA projections;
COMMENT ON SCHEMA projections IS 'Read models rebuilt from events; safe to truncate and replay.';

CREATE TYPE events.aggregate_kind AS ENUM ('order', 'customer', 'conversation', 'approval');

CREATE TABLE events.streams (
    stream_id      uuid PRIMARY KEY,
    aggregate_kind events.aggregate_kind NOT NULL,
    version        integer NOT NULL DEFAULT 0 CHECK (version >= 0),
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE events.domain_events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    stream_id       uuid NOT NULL REFERENCES events.streams (stream_id) ON DELETE RESTRICT,
    stream_version  integer NOT NULL,
    event_type      varchar(120) NOT NULL,
    payload         jsonb NOT NULL,
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
    correlation_id  uuid,
    causation_id    uuid,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT domain_events_stream_version_key UNIQUE (stream_id, stream_version),
    CONSTRAINT domain_events_version_positive CHECK (stream_version > 0),
    CONSTRAINT domain_events_type_format CHECK (event_type ~ '^[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+$')
);
COMMENT ON TABLE events.domain_events IS 'Append-only. global_position orders every event of every stream.';
COMMENT ON COLUMN events.domain_events.causation_id IS 'event_id of the event that caused this one';
CREATE INDEX domain_events_payload_idx ON events.domain_events USING gin (payload jsonb_path_ops);
CREATE INDEX domain_events_recorded_at_idx ON events.domain_events USING brin (recorded_at);
CREATE INDEX domain_events_type_position_idx ON events.domain_events (event_type, global_position DESC);
CREATE INDEX domain_events_correlation_id_idx ON events.domain_events (correlation_id)
    WHERE correlation_id IS NOT NULL;

CREATE TABLE events.snapshots (
    stream_id      uuid NOT NULL,
    stream_version integer NOT NULL,
    state          jsonb NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, stream_version),
    CONSTRAINT snapshots_event_fkey FOREIGN KEY (stream_id, stream_version)
        REFERENCES events.domain_events (stream_id, stream_version) ON DELETE CASCADE
);

CREATE FUNCTION events.prevent_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
COMMENT ON FUNCTION events.prevent_mutation() IS 'Guards the event store against UPDATE, DELETE and TRUNCATE.';

CREATE FUNCTION events.bump_stream_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events.streams SET version = NEW.stream_version WHERE stream_id = NEW.stream_id;
    PERFORM pg_notify('domain_events', NEW.global_position::text);
    RETURN NEW;
END;
$$;

CREATE TRIGGER domain_events_append_only BEFORE UPDATE OR DELETE ON events.domain_events
    FOR EACH ROW EXECUTE FUNCTION events.prevent_mutation();
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON events.domain_events
    FOR EACH STATEMENT EXECUTE FUNCTION events.prevent_mutation();
CREATE TRIGGER domain_events_bump_version AFTER INSERT ON events.domain_events
    FOR EACH ROW EXECUTE FUNCTION events.bump_stream_version();

CREATE TABLE projections.checkpoints (
    projection       text PRIMARY KEY,
    global_position  bigint NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE projections.checkpoints IS 'How far each projection has read the event log.';

CREATE TABLE projections.order_summaries (
    order_id        uuid PRIMARY KEY,
    customer_id     uuid NOT NULL,
    status          text NOT NULL DEFAULT 'draft',
    line_count      integer NOT NULL DEFAULT 0,
    total_cents     bigint NOT NULL DEFAULT 0,
    last_position   bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_summaries_customer_id_idx ON projections.order_summaries (customer_id, updated_at DESC);

CREATE TABLE projections.customer_activity (
    customer_id  uuid NOT NULL,
    day          date NOT NULL,
    events       integer NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, day)
);

CREATE VIEW projections.stream_heads AS
    SELECT stream_id, max(stream_version) AS head, max(recorded_at) AS last_recorded_at
    FROM events.domain_events GROUP BY stream_id;

CREATE MATERIALIZED VIEW projections.daily_event_counts AS
    SELECT date_trunc('day', recorded_at) AS day, event_type, count(*) AS events
    FROM events.domain_events GROUP BY 1, 2;
CREATE UNIQUE INDEX daily_event_counts_key ON projections.daily_event_counts (day, event_type);
