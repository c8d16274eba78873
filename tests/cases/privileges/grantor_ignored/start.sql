DO $$ BEGIN CREATE ROLE api_anon NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE api_user NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE api_admin NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE notes (id integer PRIMARY KEY, body text);
GRANT SELECT, INSERT ON notes TO api_admin WITH GRANT OPTION;
-- api_user holds SELECT twice: from the owner, and from api_admin
GRANT SELECT ON notes TO api_user;
SET ROLE api_admin;
GRANT SELECT, INSERT ON notes TO api_user;
RESET ROLE;
