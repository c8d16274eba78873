-- Supabase keeps users in auth, a schema pgwright must never touch.
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
