CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE obsolete (id integer PRIMARY KEY, keep_id integer REFERENCES keep);
