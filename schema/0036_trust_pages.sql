-- A service's public trust page, opt-in by a contract manager: its address (slug), whether it is published, and
-- whether it names the vendors behind the service.
CREATE TABLE trust_pages (
    service_id    bigint PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    published     boolean NOT NULL DEFAULT false,
    names_vendors boolean NOT NULL DEFAULT false,
    row_version   integer NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX trust_pages_slug_key ON trust_pages (slug);
