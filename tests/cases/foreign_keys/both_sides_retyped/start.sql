CREATE TABLE t (id integer PRIMARY KEY, parent_id integer REFERENCES t (id), size integer);
