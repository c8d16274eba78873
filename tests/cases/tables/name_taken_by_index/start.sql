CREATE TABLE ledger (id integer);
CREATE TABLE entries (amount integer);
