-- Monitoring systems Accord pulls measurements from (Prometheus's HTTP API), defined by an admin. The credentials are
-- kept to send them; no read gives them back.
CREATE TABLE data_sources (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    kind            text NOT NULL DEFAULT 'prometheus' CHECK (kind IN ('prometheus')),
    base_url        text NOT NULL CHECK (length(base_url) BETWEEN 1 AND 500),
    auth_kind       text NOT NULL DEFAULT 'none' CHECK (auth_kind IN ('none', 'bearer', 'basic')),
    bearer_token    text NOT NULL DEFAULT '',
    basic_user      text NOT NULL DEFAULT '',
    basic_password  text NOT NULL DEFAULT '',
    verify_tls      boolean NOT NULL DEFAULT true,
    timeout_seconds integer NOT NULL DEFAULT 10 CHECK (timeout_seconds BETWEEN 1 AND 120),
    -- minutes without a successful pull after which the objectives' RACI hear of it
    stale_minutes   integer NOT NULL DEFAULT 60 CHECK (stale_minutes BETWEEN 5 AND 10080),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    row_version     integer NOT NULL DEFAULT 0
);

-- What a series (an objective across its versions) pulls: two PromQL expressions giving good and valid events per
-- step, from a source, up to a watermark. Steps after the watermark that have settled are pulled next; the watermark
-- moves in the transaction that stores them, so a pull retried after a crash stores nothing twice.
CREATE TABLE series_pulls (
    series_id       bigint PRIMARY KEY,
    objective_id    bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    source_id       bigint NOT NULL REFERENCES data_sources (id),
    good_query      text NOT NULL CHECK (length(good_query) BETWEEN 1 AND 2000),
    valid_query     text NOT NULL CHECK (length(valid_query) BETWEEN 1 AND 2000),
    step_seconds    integer NOT NULL CHECK (step_seconds IN (60, 300)),
    -- the first step pulled; steps before it are not asked for
    pull_from       timestamptz NOT NULL,
    -- every step ending at or before it has been pulled
    watermark       timestamptz NOT NULL,
    -- a runner holds the pull until then; others skip it
    lease_until     timestamptz,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    failures        integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error      text NOT NULL DEFAULT '',
    stale_notified  boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    row_version     integer NOT NULL DEFAULT 0,
    CHECK (watermark >= pull_from)
);

CREATE INDEX series_pulls_due_idx ON series_pulls (next_attempt_at);
CREATE INDEX series_pulls_source_idx ON series_pulls (source_id);

-- Where a batch came from when Accord pulled it: the source, the queries, the range and the SHA-256 of the answers.
ALTER TABLE measurement_batches ADD COLUMN pulled jsonb;
