-- Rails- and Django-era columns kept as text, now given their real types.
CREATE TABLE payments (
    id integer PRIMARY KEY,
    external_id text,
    amount_cents text,
    status text DEFAULT 'new',
    tags text[]
);
INSERT INTO payments VALUES
    (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1250', 'paid', '{new,paid}'),
    (2, NULL, '-3', 'new', NULL);
