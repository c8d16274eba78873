-- Tree paths compared byte by byte (as Wagtail's and django-treebeard's are), and one that
-- no longer needs to be.
CREATE TABLE pages (id integer PRIMARY KEY, path varchar(255) NOT NULL, slug text COLLATE "C");
CREATE INDEX pages_path ON pages (path);
INSERT INTO pages VALUES (1, '0001', 'home');
