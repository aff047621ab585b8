-- Master and vendor SLAs, their versions and the objectives inside each version.
CREATE TABLE agreements (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('master', 'vendor')),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    service_id      bigint NOT NULL REFERENCES services (id) ON DELETE RESTRICT,
    vendor_id       bigint REFERENCES vendors (id) ON DELETE RESTRICT,
    master_id       bigint REFERENCES agreements (id) ON DELETE RESTRICT,
    dependency_kind text CHECK (dependency_kind IN ('serial', 'parallel')),
    parallel_group  text,
    fee             numeric(18, 2) NOT NULL DEFAULT 0 CHECK (fee >= 0),
    currency        char(3) NOT NULL DEFAULT 'EUR',
    fee_period      text NOT NULL DEFAULT 'month' CHECK (fee_period IN ('month', 'quarter', 'year')),
    time_zone       text NOT NULL DEFAULT 'UTC',
    start_date      date NOT NULL,
    end_date        date,
    renewal_date    date,
    notice_date     date,
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'expired', 'terminated')),
    row_version     integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT agreements_kind_shape CHECK (
        (kind = 'master' AND vendor_id IS NULL AND master_id IS NULL AND dependency_kind IS NULL)
        OR (kind = 'vendor' AND vendor_id IS NOT NULL AND master_id IS NOT NULL AND dependency_kind IS NOT NULL)
    ),
    CONSTRAINT agreements_parallel_group CHECK ((dependency_kind = 'parallel') = (parallel_group IS NOT NULL)),
    CONSTRAINT agreements_dates CHECK (end_date IS NULL OR end_date > start_date)
);

CREATE INDEX agreements_vendor_idx ON agreements (vendor_id);
CREATE INDEX agreements_master_idx ON agreements (master_id);
CREATE INDEX agreements_service_idx ON agreements (service_id);

CREATE TABLE agreement_versions (
    id             bigserial PRIMARY KEY,
    agreement_id   bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    number         integer NOT NULL CHECK (number >= 1),
    effective_from date NOT NULL,
    state          text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active')),
    note           text NOT NULL DEFAULT '',
    activated_at   timestamptz,
    row_version    integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (agreement_id, number),
    UNIQUE (agreement_id, effective_from)
);

CREATE TABLE objectives (
    id                 bigserial PRIMARY KEY,
    version_id         bigint NOT NULL REFERENCES agreement_versions (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sli_kind           text NOT NULL CHECK (sli_kind IN ('ratio', 'ticket_response', 'ticket_resolution')),
    sla_target         numeric(9, 6) NOT NULL CHECK (sla_target > 0 AND sla_target <= 100),
    slo_target         numeric(9, 6) NOT NULL CHECK (slo_target > 0 AND slo_target <= 100),
    window_kind        text NOT NULL CHECK (window_kind IN ('calendar_month', 'calendar_quarter', 'rolling_days')),
    window_days        integer CHECK (window_days BETWEEN 1 AND 366),
    calendar_id        bigint REFERENCES calendars (id) ON DELETE RESTRICT,
    priority_goals     jsonb NOT NULL DEFAULT '[]',
    exclusion_kinds    text[] NOT NULL DEFAULT '{}',
    credit_tiers       jsonb NOT NULL DEFAULT '[]',
    credit_cap_percent numeric(7, 4) NOT NULL DEFAULT 100 CHECK (credit_cap_percent BETWEEN 0 AND 100),
    probation_factor   numeric(5, 4) NOT NULL DEFAULT 1 CHECK (probation_factor BETWEEN 0 AND 1),
    row_version        integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT objectives_slo_stricter CHECK (slo_target > sla_target),
    CONSTRAINT objectives_window_days CHECK ((window_kind = 'rolling_days') = (window_days IS NOT NULL))
);

CREATE INDEX objectives_version_idx ON objectives (version_id);
