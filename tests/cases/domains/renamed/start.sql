CREATE DOMAIN mail AS text CHECK (VALUE ~ '@');
CREATE TABLE customers (id bigint PRIMARY KEY);
