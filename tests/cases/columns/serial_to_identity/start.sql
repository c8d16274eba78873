CREATE TABLE notes (id serial PRIMARY KEY, body text);
INSERT INTO notes (body) VALUES ('a'), ('b'), ('c');
DELETE FROM notes WHERE id = 3;  -- the sequence is past the largest id
