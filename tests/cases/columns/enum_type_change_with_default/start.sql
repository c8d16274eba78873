CREATE TYPE order_state AS ENUM ('open', 'closed');
CREATE TYPE order_stage AS ENUM ('open', 'shipped', 'closed');
CREATE TABLE orders (id integer PRIMARY KEY, state order_state NOT NULL DEFAULT 'open');
INSERT INTO orders VALUES (1, 'open'), (2, 'closed');
