-- Joint root-cause analyses of breaches, their parties and signatures, timelines, contributing factors, and corrective actions.
CREATE TABLE rcas (
    id                  bigserial PRIMARY KEY,
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status              text NOT NULL DEFAULT 'requested'
                        CHECK (status IN ('requested', 'in_progress', 'submitted', 'returned', 'accepted', 'closed')),
    master_id           bigint REFERENCES agreements (id) ON DELETE SET NULL,
    calendar_id         bigint REFERENCES calendars (id) ON DELETE SET NULL,
    time_zone           text NOT NULL DEFAULT 'UTC',
    due_on              date NOT NULL,
    automatic           boolean NOT NULL DEFAULT false,
    trigger_rule        text NOT NULL DEFAULT '',
    trigger_statement   text NOT NULL DEFAULT '' CHECK (length(trigger_statement) <= 10000),
    root_cause          text NOT NULL DEFAULT '' CHECK (length(root_cause) <= 10000),
    root_cause_category text CHECK (root_cause_category IN ('code_defect', 'infrastructure_failure', 'third_party_dependency',
                                                            'deploy_or_change', 'capacity', 'process_or_human', 'customer_caused', 'unknown')),
    five_whys           jsonb NOT NULL DEFAULT '[]',
    content_hash        text NOT NULL DEFAULT '',
    return_comment      text,
    opened_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    opened_at           timestamptz NOT NULL DEFAULT now(),
    accepted_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    accepted_at         timestamptz,
    closed_at           timestamptz,
    row_version         integer NOT NULL DEFAULT 1
);

CREATE INDEX rcas_open_idx ON rcas (due_on) WHERE status NOT IN ('accepted', 'closed');

-- A breach is analysed in at most one RCA.
CREATE TABLE rca_breaches (
    rca_id    bigint NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
    breach_id bigint NOT NULL REFERENCES breaches (id) ON DELETE CASCADE,
    PRIMARY KEY (rca_id, breach_id),
    UNIQUE (breach_id)
);

-- The customer (vendor_id NULL) and each invited vendor: share of responsibility and signature on a content hash.
CREATE TABLE rca_parties (
    id          bigserial PRIMARY KEY,
    rca_id      bigint NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
    vendor_id   bigint REFERENCES vendors (id) ON DELETE CASCADE,
    share       numeric(5, 2) CHECK (share BETWEEN 0 AND 100),
    signed_hash text,
    signed_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    signed_at   timestamptz
);

CREATE UNIQUE INDEX rca_parties_party_idx ON rca_parties (rca_id, coalesce(vendor_id, 0));
CREATE INDEX rca_parties_vendor_idx ON rca_parties (vendor_id, rca_id);

CREATE TABLE rca_timeline (
    id               bigserial PRIMARY KEY,
    rca_id           bigint NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
    at               timestamptz NOT NULL,
    text             text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    evidence_url     text NOT NULL DEFAULT '' CHECK (length(evidence_url) <= 2000),
    author_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    author_user_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rca_timeline_rca_idx ON rca_timeline (rca_id, at, id);

CREATE TABLE rca_factors (
    id                    bigserial PRIMARY KEY,
    rca_id                bigint NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
    category              text NOT NULL CHECK (category IN ('code_defect', 'infrastructure_failure', 'third_party_dependency',
                                                            'deploy_or_change', 'capacity', 'process_or_human', 'customer_caused', 'unknown')),
    description           text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    responsible_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    author_vendor_id      bigint REFERENCES vendors (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rca_factors_rca_idx ON rca_factors (rca_id, id);

CREATE TABLE corrective_actions (
    id              bigserial PRIMARY KEY,
    rca_id          bigint NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
    action_type     text NOT NULL CHECK (action_type IN ('mitigate', 'repair', 'detect', 'prevent')),
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    owner_name      text NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 200),
    owner_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    due_on          date NOT NULL,
    check_after     date,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'verified', 'cancelled')),
    evidence        text NOT NULL DEFAULT '',
    reason          text NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    verified_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    verified_at     timestamptz,
    row_version     integer NOT NULL DEFAULT 1
);

CREATE INDEX corrective_actions_rca_idx ON corrective_actions (rca_id, id);
CREATE INDEX corrective_actions_open_idx ON corrective_actions (due_on) WHERE status IN ('open', 'in_progress');

-- Reminders already sent (an RCA due tomorrow or overdue, an action due or overdue): each goes out once.
CREATE TABLE governance_reminders (
    key     text PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now()
);
