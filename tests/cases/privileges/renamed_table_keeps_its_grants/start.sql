DO $$ BEGIN CREATE ROLE api_anon NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE api_user NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE TABLE old_notes (id integer PRIMARY KEY);
GRANT SELECT ON old_notes TO api_user;
