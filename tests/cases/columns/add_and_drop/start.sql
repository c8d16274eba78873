CREATE TABLE customers (id integer PRIMARY KEY, legacy_code text, email text);
