-- Refused requests (403s, vendors' 404s, CSRF refusals, forged tokens), counted per hour, kind, caller, address and route, so a flood adds counts, not rows.
CREATE TABLE security_events (
    id        bigserial PRIMARY KEY,
    hour      timestamptz NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('forbidden', 'not_found', 'csrf_rejected', 'invalid_token')),
    user_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    address   text NOT NULL,
    route     text NOT NULL,
    count     bigint NOT NULL DEFAULT 1,
    first_at  timestamptz NOT NULL,
    last_at   timestamptz NOT NULL
);

CREATE UNIQUE INDEX security_events_key ON security_events (hour, kind, coalesce(user_id, 0), address, route);
