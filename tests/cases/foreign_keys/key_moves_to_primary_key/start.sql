CREATE TABLE t (id integer NOT NULL UNIQUE, parent_id integer REFERENCES t (id));
CREATE TABLE notes (t_id integer REFERENCES t (id));
