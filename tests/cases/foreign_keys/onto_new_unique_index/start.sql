CREATE TABLE t (id integer);
CREATE TABLE u (ref integer);
