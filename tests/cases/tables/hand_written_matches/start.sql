-- A schema written by hand with plain DDL and PostgreSQL's default names diffs clean.
CREATE TYPE order_status AS ENUM ('draft', 'confirmed', 'shipped');
CREATE TABLE organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
    status order_status NOT NULL DEFAULT 'draft',
    total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    note varchar(200),
    UNIQUE (organization_id, id)
);
CREATE INDEX ON orders (organization_id);
CREATE INDEX ON orders (lower(note)) WHERE note IS NOT NULL;
COMMENT ON TABLE orders IS 'Orders placed by customers.';
