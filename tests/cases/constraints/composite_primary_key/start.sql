CREATE TABLE label_assignments (customer_id integer NOT NULL, label_id integer NOT NULL, id serial PRIMARY KEY);
