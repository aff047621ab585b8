-- The job runner's table: one row per registered job with the slot it next runs in and what its last run did.
CREATE TABLE jobs (
    name              text PRIMARY KEY,
    interval_seconds  integer NOT NULL CHECK (interval_seconds > 0),
    next_due_at       timestamptz NOT NULL,
    last_started_at   timestamptz,
    last_finished_at  timestamptz,
    last_duration_ms  bigint,
    last_outcome      text CHECK (last_outcome IN ('succeeded', 'failed')),
    last_summary      text,
    last_error        text,
    last_runner       text,
    runs              bigint NOT NULL DEFAULT 0,
    failures          bigint NOT NULL DEFAULT 0
);
