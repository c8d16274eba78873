CREATE SEQUENCE invoice_numbers START 1000;
SELECT nextval('invoice_numbers');
SELECT nextval('invoice_numbers');
CREATE SEQUENCE countdown AS integer INCREMENT BY -1;
