CREATE TABLE orders (id bigint PRIMARY KEY, number bigint);
CREATE SEQUENCE loose_numbers;
