CREATE TYPE "system_user" AS ENUM ('a');
CREATE TYPE "json_table" AS ENUM ('a');
CREATE TABLE t (x "system_user", y "json_table");
