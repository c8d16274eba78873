CREATE TABLE t (id integer PRIMARY KEY, x integer NOT NULL);
CREATE TABLE u (ref integer);
