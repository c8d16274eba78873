-- Row-level security at work on the example schema: run with
--   pgwright psql -f examples/rls_demo.sql
-- Everything happens in one transaction that is rolled back: it leaves nothing behind.
\set ON_ERROR_STOP on
BEGIN;
CREATE ROLE app_user NOLOGIN;
GRANT SELECT, INSERT ON organizations, customers TO app_user;

INSERT INTO organizations (id, name, slug) VALUES
  ('00000000-0000-0000-0000-00000000000a', 'Acme', 'acme'),
  ('00000000-0000-0000-0000-00000000000b', 'Globex', 'globex');
INSERT INTO customers (organization_id, name) VALUES
  ('00000000-0000-0000-0000-00000000000a', 'Alice (Acme)'),
  ('00000000-0000-0000-0000-00000000000b', 'Bob (Globex)');

SET LOCAL ROLE app_user;
SELECT set_config('app.org_id', '00000000-0000-0000-0000-00000000000a', true);
\echo 'As app_user for Acme, customers visible:'
SELECT name FROM customers ORDER BY name;

\echo 'Inserting a customer for Globex while acting for Acme:'
SAVEPOINT attempt;
\set ON_ERROR_STOP off
INSERT INTO customers (organization_id, name)
  VALUES ('00000000-0000-0000-0000-00000000000b', 'Mallory');
\set ON_ERROR_STOP on
ROLLBACK TO SAVEPOINT attempt;
ROLLBACK;
