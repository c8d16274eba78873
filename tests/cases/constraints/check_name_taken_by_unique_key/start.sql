CREATE TABLE t (k integer, CONSTRAINT c1 CHECK (k > 0));
CREATE TABLE u (ref integer);
