CREATE TABLE customers (
    id integer PRIMARY KEY,
    organization_id integer NOT NULL,
    email text,
    age integer,
    CONSTRAINT customers_email_key UNIQUE (email),
    CONSTRAINT age_positive CHECK (age > 0),
    CONSTRAINT email_has_at CHECK (position('@' in email) > 1)
);
