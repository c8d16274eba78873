DO $$ BEGIN CREATE ROLE api_anon NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE api_user NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE everything (id integer PRIMARY KEY);
GRANT ALL ON everything TO api_user;
CREATE TABLE reading (id integer PRIMARY KEY);
GRANT SELECT ON reading TO api_user;
