-- An entity/permission registry. Entities of every type live in one table (a tree, with
-- an ltree path); links and permissions point at entities of any type by (type, id), so
-- they are polymorphic and have no foreign keys. Extensions live in their own schema.

CREATE SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA extensions;
CREATE SCHEMA registry;
COMMENT ON SCHEMA registry IS 'Every business entity, its place in the hierarchy, and who may do what with it.';

CREATE TYPE registry.permission AS ENUM ('read', 'write', 'admin', 'owner');

CREATE TABLE registry.entity_types (
    code         varchar(40) PRIMARY KEY,
    label        text NOT NULL,
    is_abstract  boolean NOT NULL DEFAULT false,
    parent_code  varchar(40) REFERENCES registry.entity_types (code) ON UPDATE CASCADE ON DELETE SET NULL
);

CREATE TABLE registry.entities (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entity_type  varchar(40) NOT NULL REFERENCES registry.entity_types (code) ON UPDATE CASCADE,
    parent_id    uuid REFERENCES registry.entities (id) ON DELETE CASCADE,
    path         extensions.ltree NOT NULL,
    name         text NOT NULL,
    attributes   jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entity_type, id)
);
COMMENT ON COLUMN registry.entities.path IS 'Materialized path of ids from the root, e.g. root.acme.sales';
CREATE INDEX entities_path_idx ON registry.entities USING gist (path);
CREATE INDEX entities_parent_id_idx ON registry.entities (parent_id);
CREATE INDEX entities_name_idx ON registry.entities USING hash (name);
CREATE INDEX entities_attributes_idx ON registry.entities USING gin (attributes);

CREATE TABLE registry.entity_links (
    parent_entity_type  varchar(40) NOT NULL,
    parent_entity_id    uuid NOT NULL,
    child_entity_type   varchar(40) NOT NULL,
    child_entity_id     uuid NOT NULL,
    relation            text NOT NULL DEFAULT 'contains',
    position            integer,
    PRIMARY KEY (parent_entity_type, parent_entity_id, child_entity_type, child_entity_id, relation),
    CONSTRAINT entity_links_no_self_link
        CHECK (parent_entity_type <> child_entity_type OR parent_entity_id <> child_entity_id)
);
COMMENT ON TABLE registry.entity_links IS 'Generic links between entities of any two types.';
CREATE INDEX entity_links_child_idx ON registry.entity_links (child_entity_type, child_entity_id);

CREATE TABLE registry.principals (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind          text NOT NULL CHECK (kind IN ('user', 'group', 'service')),
    external_ref  text UNIQUE,
    display_name  text NOT NULL
);

CREATE TABLE registry.group_members (
    group_id   uuid NOT NULL REFERENCES registry.principals (id) ON DELETE CASCADE,
    member_id  uuid NOT NULL REFERENCES registry.principals (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE registry.permissions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    principal_id  uuid NOT NULL REFERENCES registry.principals (id) ON DELETE CASCADE,
    entity_type   varchar(40) NOT NULL,
    entity_id     uuid NOT NULL,
    permission    registry.permission NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    granted_by    uuid REFERENCES registry.principals (id) ON DELETE SET NULL,
    expires_at    timestamptz,
    CONSTRAINT permissions_unique_grant UNIQUE (principal_id, entity_type, entity_id, permission),
    CONSTRAINT permissions_entity_fkey FOREIGN KEY (entity_type, entity_id)
        REFERENCES registry.entities (entity_type, id) ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE INDEX permissions_entity_idx ON registry.permissions (entity_type, entity_id, permission);
CREATE INDEX permissions_active_idx ON registry.permissions (principal_id)
    WHERE expires_at IS NULL;

CREATE FUNCTION registry.has_permission(p_principal uuid, p_entity uuid, p_needed registry.permission)
RETURNS boolean LANGUAGE sql STABLE AS $$
SELECT EXISTS (
    SELECT 1
    FROM registry.permissions p
    JOIN registry.entities e ON e.id = p_entity
    JOIN registry.entities granted ON granted.id = p.entity_id AND e.path OPERATOR(extensions.<@) granted.path
    WHERE p.principal_id = p_principal
      AND p.permission >= p_needed
      AND (p.expires_at IS NULL OR p.expires_at > now())
)
$$;
COMMENT ON FUNCTION registry.has_permission(uuid, uuid, registry.permission) IS
    'Whether the principal holds the permission (or a stronger one) on the entity or an ancestor.';
