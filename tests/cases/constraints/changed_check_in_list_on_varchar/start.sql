CREATE TABLE t (x varchar, y varchar, CONSTRAINT c1 CHECK (x IS NOT NULL),
                CONSTRAINT c2 CHECK (length(y::text) > 0));
CREATE INDEX t_x_idx ON t (x) WHERE x IS NOT NULL;
