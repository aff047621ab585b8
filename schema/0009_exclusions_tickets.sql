-- Exclusions of an objective series, ticket events with the timer outcomes computed from each ticket's whole history.
CREATE TABLE exclusions (
    id            bigserial PRIMARY KEY,
    series_id     bigint NOT NULL,
    objective_id  bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('planned_maintenance', 'force_majeure', 'customer_caused')),
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'revoked')),
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    revoked_at    timestamptz,
    revoke_reason text,
    row_version   integer NOT NULL DEFAULT 1,
    CONSTRAINT exclusions_span CHECK (ends_at > starts_at)
);

CREATE INDEX exclusions_series_idx ON exclusions (series_id, starts_at);

-- The same event (ticket, type, instant) sent twice is stored once.
CREATE TABLE ticket_events (
    series_id bigint NOT NULL,
    batch_id  bigint NOT NULL REFERENCES measurement_batches (id),
    ticket    text NOT NULL,
    priority  text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('created', 'responded', 'paused', 'resumed', 'resolved', 'reopened')),
    at        timestamptz NOT NULL,
    PRIMARY KEY (series_id, ticket, kind, at)
);

-- One row per timer cycle: `known_at` is when the outcome is (or will be, if nothing else happens) known.
CREATE TABLE ticket_outcomes (
    series_id  bigint NOT NULL,
    ticket     text NOT NULL,
    cycle      integer NOT NULL,
    priority   text NOT NULL,
    started_at timestamptz NOT NULL,
    deadline   timestamptz,
    stopped_at timestamptz,
    known_at   timestamptz,
    met        boolean,
    PRIMARY KEY (series_id, ticket, cycle)
);

CREATE INDEX ticket_outcomes_known_idx ON ticket_outcomes (series_id, known_at);
