CREATE TABLE organizations (id uuid PRIMARY KEY);
CREATE TABLE customers (id uuid PRIMARY KEY, organization_id uuid NOT NULL REFERENCES organizations);
CREATE TABLE orders (id uuid PRIMARY KEY, organization_id uuid NOT NULL, customer_id uuid REFERENCES customers ON DELETE CASCADE);
