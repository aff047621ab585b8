-- The vendor side of governance, first part: governance terms per agreement, exclusion claims, disputes, evidence files and their histories.
CREATE TABLE agreement_governance (
    agreement_id          bigint PRIMARY KEY REFERENCES agreements (id) ON DELETE CASCADE,
    notice_hours          integer NOT NULL DEFAULT 72 CHECK (notice_hours BETWEEN 0 AND 8784),
    dispute_window_days   integer NOT NULL DEFAULT 30 CHECK (dispute_window_days BETWEEN 1 AND 366),
    rca_due_business_days integer NOT NULL DEFAULT 5 CHECK (rca_due_business_days BETWEEN 1 AND 60),
    rca_on_sla_breach     boolean NOT NULL DEFAULT true,
    rca_attainment_floor  numeric(9, 6) CHECK (rca_attainment_floor > 0 AND rca_attainment_floor <= 100),
    rca_repeat_within     integer CHECK (rca_repeat_within BETWEEN 2 AND 24),
    deny_periods          jsonb NOT NULL DEFAULT '[]',
    row_version           integer NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE exclusion_claims (
    id              bigserial PRIMARY KEY,
    agreement_id    bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    vendor_id       bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('planned_maintenance', 'force_majeure', 'customer_caused')),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    announced_at    timestamptz,
    statement       text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
    evidence        text NOT NULL DEFAULT '' CHECK (length(evidence) <= 4000),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    filed_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    filed_at        timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at      timestamptz,
    decision_reason text,
    row_version     integer NOT NULL DEFAULT 1,
    CONSTRAINT exclusion_claims_span CHECK (ends_at > starts_at),
    CONSTRAINT exclusion_claims_notice CHECK (kind <> 'planned_maintenance' OR announced_at IS NOT NULL)
);

CREATE INDEX exclusion_claims_vendor_idx ON exclusion_claims (vendor_id, filed_at DESC);
CREATE INDEX exclusion_claims_pending_idx ON exclusion_claims (filed_at) WHERE status = 'pending';

-- The objectives a claim names; an approved claim's exclusion of each is linked here.
CREATE TABLE exclusion_claim_objectives (
    claim_id     bigint NOT NULL REFERENCES exclusion_claims (id) ON DELETE CASCADE,
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    exclusion_id bigint REFERENCES exclusions (id) ON DELETE SET NULL,
    PRIMARY KEY (claim_id, objective_id)
);

CREATE TABLE disputes (
    id              bigserial PRIMARY KEY,
    agreement_id    bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    vendor_id       bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    objective_id    bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    series_id       bigint NOT NULL,
    period_start    timestamptz NOT NULL,
    period_end      timestamptz NOT NULL,
    subject         text NOT NULL CHECK (subject IN ('period', 'credit')),
    credit_id       bigint REFERENCES credits (id) ON DELETE SET NULL,
    statement       text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
    evidence        text NOT NULL DEFAULT '' CHECK (length(evidence) <= 4000),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected', 'withdrawn')),
    filed_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    filed_at        timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at      timestamptz,
    decision_reason text,
    row_version     integer NOT NULL DEFAULT 1,
    CONSTRAINT disputes_credit_subject CHECK (subject <> 'credit' OR credit_id IS NOT NULL OR status <> 'open')
);

CREATE INDEX disputes_vendor_idx ON disputes (vendor_id, filed_at DESC);
CREATE UNIQUE INDEX disputes_one_open_idx ON disputes (series_id, period_start, subject) WHERE status = 'open';

-- What an upheld dispute changed, each through the flow that owns it: an exclusion, a corrected upload or a waived credit.
CREATE TABLE dispute_remedies (
    id          bigserial PRIMARY KEY,
    dispute_id  bigint NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('exclusion', 'corrected_data', 'waived_credit')),
    exclusion_id bigint REFERENCES exclusions (id) ON DELETE SET NULL,
    batch_id    bigint REFERENCES measurement_batches (id) ON DELETE SET NULL,
    credit_id   bigint REFERENCES credits (id) ON DELETE SET NULL,
    note        text NOT NULL DEFAULT '',
    recorded_by bigint REFERENCES users (id) ON DELETE SET NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dispute_remedies_dispute_idx ON dispute_remedies (dispute_id);

-- Files attached as evidence to a claim, a dispute, a root-cause analysis or an action; read only through their subject.
CREATE TABLE evidence_files (
    id           bigserial PRIMARY KEY,
    subject_kind text NOT NULL CHECK (subject_kind IN ('claim', 'dispute', 'rca', 'action')),
    subject_id   bigint NOT NULL,
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type text NOT NULL,
    size         integer NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    uploaded_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    uploader_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX evidence_files_subject_idx ON evidence_files (subject_kind, subject_id);

-- Every step of a claim, dispute, root-cause analysis or action, as both parties read it (the audit log keeps the full records).
CREATE TABLE governance_events (
    id              bigserial PRIMARY KEY,
    subject_kind    text NOT NULL CHECK (subject_kind IN ('claim', 'dispute', 'rca', 'action')),
    subject_id      bigint NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    actor_user_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    actor_name      text NOT NULL,
    actor_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    action          text NOT NULL,
    note            text NOT NULL DEFAULT ''
);

CREATE INDEX governance_events_subject_idx ON governance_events (subject_kind, subject_id, at, id);
