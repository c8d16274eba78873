CREATE TABLE products (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    sku text,
    price numeric(10,2) DEFAULT 1,
    active boolean DEFAULT false
);
