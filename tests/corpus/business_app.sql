-- A project / quote / invoice business app for many tenants. Row-level security keeps each
-- organization's rows apart: the application connects as pgw_corpus_app_user and sets
-- app.org_id per transaction; an auditor role may read everything but change nothing.

DO $$
BEGIN
    CREATE ROLE pgw_corpus_app_user NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;
DO $$
BEGIN
    CREATE ROLE pgw_corpus_auditor NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;

CREATE TYPE quote_status AS ENUM ('draft', 'sent', 'accepted', 'declined', 'expired');
CREATE TYPE invoice_status AS ENUM ('draft', 'issued', 'paid', 'void');

CREATE SEQUENCE invoice_number_seq START 1000;

CREATE FUNCTION current_org_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
select nullif(current_setting('app.org_id', true), '')::uuid
$$;
COMMENT ON FUNCTION current_org_id() IS 'The organization of the current request (app.org_id), or NULL.';

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
begin
  new.updated_at := now();
  return new;
end
$$;

CREATE FUNCTION next_invoice_number(p_prefix text) RETURNS text
LANGUAGE sql VOLATILE AS $$
select p_prefix || '-' || lpad(nextval('public.invoice_number_seq')::text, 6, '0')
$$;

CREATE FUNCTION line_total(p_quantity numeric, p_unit_price numeric, p_discount numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE STRICT AS $$
select round(p_quantity * p_unit_price * (1 - p_discount / 100), 2)
$$;

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    currency    char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    vat_rate    numeric(5,2) NOT NULL DEFAULT 20.00,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clients (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL DEFAULT current_org_id() REFERENCES organizations (id) ON DELETE CASCADE,
    name             text NOT NULL,
    email            text,
    vat_number       varchar(20),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id)
);
CREATE INDEX clients_organization_id_idx ON clients (organization_id);
CREATE UNIQUE INDEX clients_org_email_key ON clients (organization_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE projects (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL DEFAULT current_org_id() REFERENCES organizations (id) ON DELETE CASCADE,
    client_id        uuid NOT NULL,
    code             varchar(12) NOT NULL,
    title            text NOT NULL,
    budget           numeric(12,2),
    starts_on        date,
    ends_on          date,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, code),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, client_id) REFERENCES clients (organization_id, id) ON DELETE RESTRICT,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE quotes (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL DEFAULT current_org_id() REFERENCES organizations (id) ON DELETE CASCADE,
    project_id       uuid NOT NULL,
    number           serial NOT NULL,
    status           quote_status NOT NULL DEFAULT 'draft',
    valid_until      date,
    notes            text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, id),
    FOREIGN KEY (organization_id, project_id) REFERENCES projects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX quotes_open_idx ON quotes (organization_id, valid_until) WHERE status IN ('draft', 'sent');

CREATE TABLE quote_lines (
    quote_id     uuid NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    line_no      smallint NOT NULL,
    description  text NOT NULL,
    quantity     numeric(10,3) NOT NULL CHECK (quantity > 0),
    unit_price   numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    discount     numeric(5,2) NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 100),
    total        numeric(14,2) GENERATED ALWAYS AS (round(quantity * unit_price * (1 - discount / 100), 2)) STORED,
    PRIMARY KEY (quote_id, line_no)
);

CREATE TABLE invoices (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL DEFAULT current_org_id() REFERENCES organizations (id) ON DELETE CASCADE,
    quote_id         uuid REFERENCES quotes (id) ON DELETE SET NULL,
    number           text NOT NULL,
    status           invoice_status NOT NULL DEFAULT 'draft',
    issued_on        date,
    due_on           date,
    amount_due       numeric(12,2) NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_number_per_org UNIQUE (organization_id, number),
    CONSTRAINT invoices_due_after_issue CHECK (due_on >= issued_on),
    CONSTRAINT invoices_issued_has_date CHECK (status = 'draft' OR issued_on IS NOT NULL)
);
COMMENT ON TABLE invoices IS 'Issued invoices are never deleted: void them.';
CREATE INDEX invoices_unpaid_idx ON invoices (organization_id, due_on) WHERE status = 'issued';

CREATE TABLE payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id   uuid NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    amount       numeric(12,2) NOT NULL CHECK (amount <> 0),
    received_on  date NOT NULL DEFAULT CURRENT_DATE,
    reference    text
);
CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);

CREATE TRIGGER clients_touch_updated_at BEFORE UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER projects_touch_updated_at BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER quotes_touch_updated_at BEFORE UPDATE ON quotes
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER invoices_touch_updated_at BEFORE UPDATE OF status, amount_due, due_on ON invoices
    FOR EACH ROW WHEN (old.* IS DISTINCT FROM new.*) EXECUTE FUNCTION touch_updated_at();

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY clients_tenant ON clients TO pgw_corpus_app_user
    USING (organization_id = current_org_id()) WITH CHECK (organization_id = current_org_id());
CREATE POLICY clients_audit ON clients FOR SELECT TO pgw_corpus_auditor USING (true);

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects TO pgw_corpus_app_user
    USING (organization_id = current_org_id()) WITH CHECK (organization_id = current_org_id());

ALTER TABLE quotes ENABLE ROW LEVEL SECURITY;
CREATE POLICY quotes_tenant ON quotes TO pgw_corpus_app_user
    USING (organization_id = current_org_id());
CREATE POLICY quotes_insert ON quotes FOR INSERT TO pgw_corpus_app_user
    WITH CHECK (organization_id = current_org_id() AND status = 'draft');

ALTER TABLE quote_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY quote_lines_tenant ON quote_lines TO pgw_corpus_app_user
    USING (EXISTS (SELECT 1 FROM quotes q WHERE q.id = quote_lines.quote_id
                   AND q.organization_id = current_org_id()));

ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices TO pgw_corpus_app_user, pgw_corpus_auditor
    USING (organization_id = current_org_id());
CREATE POLICY invoices_not_void ON invoices AS RESTRICTIVE FOR UPDATE TO pgw_corpus_app_user
    USING (status <> 'void');
CREATE POLICY invoices_never_delete ON invoices AS RESTRICTIVE FOR DELETE USING (false);

GRANT SELECT, INSERT, UPDATE, DELETE ON clients, projects, quotes, quote_lines, invoices, payments
    TO pgw_corpus_app_user;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgw_corpus_auditor;
GRANT USAGE ON SEQUENCE invoice_number_seq TO pgw_corpus_app_user;
