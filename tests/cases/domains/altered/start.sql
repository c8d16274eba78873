CREATE DOMAIN email AS text CONSTRAINT has_at CHECK (VALUE ~ '@') CONSTRAINT short CHECK (length(VALUE) < 100);
CREATE TABLE customers (id bigint PRIMARY KEY, email email);
INSERT INTO customers VALUES (1, 'a@b.example');
