CREATE SCHEMA IF NOT EXISTS "json_table";

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'json_table' AND t.typname = 'status') THEN
    CREATE TYPE "json_table".status AS ENUM ('a');
  END IF;
END
$pgwright$;

CREATE TABLE IF NOT EXISTS "json_table".t (
    id integer NOT NULL,
    x "json_table".status DEFAULT 'a',
    CONSTRAINT t_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS "json_table".u (
    ref integer
);

DO $pgwright$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = '"json_table".u'::pg_catalog.regclass AND conname = 'u_ref_fkey') THEN
    ALTER TABLE "json_table".u ADD CONSTRAINT u_ref_fkey FOREIGN KEY (ref) REFERENCES "json_table".t (id);
  END IF;
END
$pgwright$;
