CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
CREATE TABLE customers (id bigint PRIMARY KEY, email email);
