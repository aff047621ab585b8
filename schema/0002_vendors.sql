-- Vendors and their contacts.
CREATE TABLE vendors (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '',
    website         text NOT NULL DEFAULT '',
    probation_until date,
    row_version     integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      bigint
);

CREATE UNIQUE INDEX vendors_name_key ON vendors (lower(name));

CREATE TABLE vendor_contacts (
    id          bigserial PRIMARY KEY,
    vendor_id   bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    row_version integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint
);

CREATE INDEX vendor_contacts_vendor_idx ON vendor_contacts (vendor_id);
