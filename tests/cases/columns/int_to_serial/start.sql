CREATE TABLE tickets (id integer PRIMARY KEY, number integer NOT NULL);
INSERT INTO tickets VALUES (1, 41), (2, 42);
