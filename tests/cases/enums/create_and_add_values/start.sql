CREATE TYPE order_status AS ENUM ('draft', 'shipped');
CREATE TYPE obsolete_kind AS ENUM ('a', 'b');
