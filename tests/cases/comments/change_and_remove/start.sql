CREATE TABLE invoices (id integer PRIMARY KEY, total numeric);
COMMENT ON TABLE invoices IS 'old';
COMMENT ON COLUMN invoices.total IS 'to be removed';
