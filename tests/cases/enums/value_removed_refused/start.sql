CREATE TYPE order_status AS ENUM ('draft', 'shipped', 'cancelled');
