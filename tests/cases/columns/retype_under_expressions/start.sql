CREATE TABLE t (x varchar(64), y integer, CONSTRAINT c1 CHECK (x IN ('a', 'b')));
CREATE INDEX t_y_idx ON t (y) WHERE x IN ('a', 'b');
CREATE INDEX t_x_idx ON t (x);
