-- A multi-tenant SaaS: organizations own users (through memberships), projects, API keys
-- and a subscription. Every tenant table carries organization_id and an index led by it.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TYPE membership_role AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE plan_tier AS ENUM ('free', 'team', 'business', 'enterprise');
COMMENT ON TYPE plan_tier IS 'What the organization pays for.';

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        varchar(63) NOT NULL UNIQUE,
    name        text NOT NULL,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$')
);
COMMENT ON TABLE organizations IS 'Tenant root: deleting one deletes everything it owns.';
COMMENT ON COLUMN organizations.slug IS 'URL name, e.g. acme-corp.';

CREATE TABLE users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          citext NOT NULL UNIQUE,
    display_name   text,
    password_hash  text,
    is_staff       boolean NOT NULL DEFAULT false,
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN users.password_hash IS 'NULL for users who sign in with SSO only.';

CREATE TABLE memberships (
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             membership_role NOT NULL DEFAULT 'member',
    invited_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    joined_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE projects (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL,
    description      text,
    tags             text[] NOT NULL DEFAULT '{}',
    archived         boolean NOT NULL DEFAULT false,
    created_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    CONSTRAINT projects_name_not_blank CHECK (length(btrim(name)) > 0)
);
CREATE INDEX projects_organization_id_idx ON projects (organization_id);
CREATE UNIQUE INDEX projects_org_lower_name_key ON projects (organization_id, lower(name))
    WHERE NOT archived;
CREATE INDEX projects_tags_idx ON projects USING gin (tags);

CREATE TABLE api_keys (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  uuid NOT NULL,
    project_id       uuid NOT NULL,
    prefix           char(8) NOT NULL,
    key_hash         bytea NOT NULL UNIQUE,
    scopes           varchar(40)[] NOT NULL DEFAULT ARRAY['read']::varchar(40)[],
    expires_at       timestamptz,
    revoked_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id)
        ON DELETE CASCADE,
    CHECK (expires_at IS NULL OR expires_at > created_at)
);
CREATE INDEX api_keys_active_idx ON api_keys (organization_id, prefix) WHERE revoked_at IS NULL;

CREATE TABLE subscriptions (
    organization_id      uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    tier                 plan_tier NOT NULL DEFAULT 'free',
    seats                integer NOT NULL DEFAULT 1 CHECK (seats > 0),
    monthly_price        numeric(10,2) NOT NULL DEFAULT 0.00,
    external_customer_id text,
    trial_ends_at        date,
    renews_at            timestamptz
);
COMMENT ON COLUMN subscriptions.external_customer_id IS 'The billing provider''s customer id.';
