-- Closed periods with every revision kept, breaches and credits recorded at close, alert state, and the scheduler's work tables.
CREATE TABLE period_results (
    series_id       bigint NOT NULL,
    period_start    timestamptz NOT NULL,
    revision        integer NOT NULL CHECK (revision >= 1),
    period_end      timestamptz NOT NULL,
    objective_id    bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    version_number  integer NOT NULL,
    sla_target      numeric NOT NULL,
    slo_target      numeric NOT NULL,
    good            numeric NOT NULL,
    valid           numeric NOT NULL,
    attainment      numeric,
    sla_status      text NOT NULL CHECK (sla_status IN ('met', 'breached', 'no_data')),
    slo_status      text NOT NULL CHECK (slo_status IN ('met', 'breached', 'no_data')),
    budget_consumed numeric,
    reason          text NOT NULL CHECK (reason IN ('close', 'late_data', 'exclusion')),
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, period_start, revision)
);

CREATE TABLE breaches (
    id           bigserial PRIMARY KEY,
    series_id    bigint NOT NULL,
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    vendor_id    bigint REFERENCES vendors (id) ON DELETE CASCADE,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    revision     integer NOT NULL,
    severity     text NOT NULL CHECK (severity IN ('sla', 'slo')),
    attainment   numeric NOT NULL,
    target       numeric NOT NULL,
    good         numeric NOT NULL,
    valid        numeric NOT NULL,
    current      boolean NOT NULL DEFAULT true,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (series_id, period_start, revision, severity)
);

CREATE INDEX breaches_vendor_idx ON breaches (vendor_id, period_start DESC);

CREATE TABLE credits (
    id               bigserial PRIMARY KEY,
    series_id        bigint NOT NULL,
    objective_id     bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    agreement_id     bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    vendor_id        bigint REFERENCES vendors (id) ON DELETE CASCADE,
    period_start     timestamptz NOT NULL,
    period_end       timestamptz NOT NULL,
    revision         integer NOT NULL,
    attainment       numeric NOT NULL,
    tier_percent     numeric NOT NULL,
    percent          numeric NOT NULL,
    on_probation     boolean NOT NULL,
    period_fee       numeric NOT NULL,
    currency         text NOT NULL,
    amount           numeric NOT NULL,
    status           text NOT NULL DEFAULT 'computed' CHECK (status IN ('computed', 'approved', 'issued', 'waived')),
    invoice_reference text,
    waive_reason     text,
    row_version      integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (series_id, period_start)
);

CREATE INDEX credits_vendor_idx ON credits (vendor_id, period_start DESC);

-- The firing state of each burn-rate rule per series, and every change of it.
CREATE TABLE alert_states (
    series_id  bigint NOT NULL,
    rule       text NOT NULL,
    firing     boolean NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (series_id, rule)
);

CREATE TABLE alert_events (
    id           bigserial PRIMARY KEY,
    series_id    bigint NOT NULL,
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    rule         text NOT NULL,
    severity     text NOT NULL,
    state        text NOT NULL CHECK (state IN ('firing', 'resolved')),
    at           timestamptz NOT NULL,
    long_burn    numeric,
    short_burn   numeric
);

CREATE INDEX alert_events_series_idx ON alert_events (series_id, at DESC);

-- One row per measured series: claimed with FOR UPDATE SKIP LOCKED, so several replicas share the work.
CREATE TABLE series_schedule (
    series_id        bigint PRIMARY KEY,
    closed_through   timestamptz,
    next_close_at    timestamptz NOT NULL DEFAULT '-infinity',
    alerts_due_at    timestamptz NOT NULL DEFAULT '-infinity'
);

CREATE TABLE recompute_requests (
    id           bigserial PRIMARY KEY,
    series_id    bigint NOT NULL,
    span_start   timestamptz NOT NULL,
    span_end     timestamptz NOT NULL,
    reason       text NOT NULL CHECK (reason IN ('late_data', 'exclusion')),
    requested_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX recompute_requests_series_idx ON recompute_requests (series_id);
