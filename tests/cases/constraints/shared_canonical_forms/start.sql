-- The same expression text prints differently on columns of different types, and pgwright
-- has the server print the spec's expressions on stand-ins shared between tables: only
-- tables whose columns have the same types may share one. Only fees really differs.
CREATE TABLE payments (
    id integer PRIMARY KEY,
    amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
    label varchar(20) DEFAULT 'none' CHECK (label IN ('a', 'b'))
);
CREATE TABLE refunds (
    id integer PRIMARY KEY,
    amount integer NOT NULL DEFAULT 0 CHECK (amount >= 0),
    label text DEFAULT 'none' CHECK (label IN ('a', 'b'))
);
CREATE TABLE credits (
    id integer PRIMARY KEY,
    amount integer NOT NULL CHECK (credits.amount >= 0)
);
CREATE TABLE fees (
    id integer PRIMARY KEY,
    amount integer NOT NULL CHECK (amount > 1),
    label text
);
CREATE INDEX ON payments (lower(label)) WHERE amount > 0;
CREATE INDEX ON refunds (lower(label)) WHERE amount > 0;
CREATE INDEX ON fees (lower(label)) WHERE amount > 1;
