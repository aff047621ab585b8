-- Accounts, server-side sessions, API tokens and login throttling.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role          text NOT NULL CHECK (role IN ('admin', 'contract_manager', 'analyst', 'viewer', 'vendor')),
    vendor_id     bigint REFERENCES vendors (id) ON DELETE RESTRICT,
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    row_version   integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint,
    CONSTRAINT users_vendor_binding CHECK ((role = 'vendor') = (vendor_id IS NOT NULL))
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));

ALTER TABLE vendors ADD CONSTRAINT vendors_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE vendor_contacts ADD CONSTRAINT vendor_contacts_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE sessions (
    id_hash       text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (idle_expires_at);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE login_attempts (
    id        bigserial PRIMARY KEY,
    email     text NOT NULL,
    address   text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    succeeded boolean NOT NULL
);

CREATE INDEX login_attempts_email_idx ON login_attempts (lower(email), at);
CREATE INDEX login_attempts_address_idx ON login_attempts (address, at);
