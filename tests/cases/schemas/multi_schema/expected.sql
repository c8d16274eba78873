CREATE SCHEMA IF NOT EXISTS app;

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'app' AND t.typname = 'entity_kind') THEN
    CREATE TYPE app.entity_kind AS ENUM ('organization', 'customer', 'order');
  END IF;
END
$pgwright$;

CREATE TABLE IF NOT EXISTS app.entity_instance_link (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    from_kind app.entity_kind NOT NULL,
    from_id uuid NOT NULL,
    CONSTRAINT entity_instance_link_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS public.organizations (
    id uuid NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS entity_instance_link_from_kind_from_id_idx ON app.entity_instance_link USING btree (from_kind, from_id);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = 'app.entity_instance_link'::pg_catalog.regclass AND conname = 'entity_instance_link_organization_id_fkey') THEN
    ALTER TABLE app.entity_instance_link ADD CONSTRAINT entity_instance_link_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE;
  END IF;
END
$pgwright$;

COMMENT ON SCHEMA app IS 'Application registry tables.';

COMMENT ON TABLE app.entity_instance_link IS 'seed 004 - relationships between entities, deliberately without FKs.';
