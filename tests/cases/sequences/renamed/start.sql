CREATE SEQUENCE invoice_seq START 1000;
SELECT nextval('invoice_seq');
CREATE TABLE invoices (id bigint PRIMARY KEY, number bigint DEFAULT nextval('invoice_seq'));
