CREATE TABLE t (a integer, b integer);
CREATE INDEX uq_one ON t (a);
CREATE INDEX t_b_idx ON t (b);
