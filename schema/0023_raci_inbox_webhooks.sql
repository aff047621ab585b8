-- RACI matrices per agreement, each user's inbox, and outbound webhooks with their outbox of deliveries.
CREATE TABLE raci_assignments (
    agreement_id bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    activity     text NOT NULL CHECK (activity IN ('data_feed', 'exclusion_approval', 'dispute_decision', 'rca_facilitation', 'rca_submission',
                                                   'capa_verification', 'credit_approval', 'review_chairing', 'pack_preparation',
                                                   'renegotiation', 'renewal_decision')),
    party_kind   text NOT NULL CHECK (party_kind IN ('person', 'vendor_contact', 'vendor_user')),
    party_id     bigint NOT NULL,
    letter       text NOT NULL CHECK (letter IN ('R', 'A', 'C', 'I')),
    PRIMARY KEY (agreement_id, activity, party_kind, party_id, letter)
);

CREATE TABLE notifications (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event        text NOT NULL,
    subject_kind text NOT NULL,
    subject_id   bigint NOT NULL,
    title        text NOT NULL,
    link         text NOT NULL,
    to_act       boolean NOT NULL DEFAULT false,
    dedupe_key   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz
);

CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE webhooks (
    id          bigserial PRIMARY KEY,
    vendor_id   bigint REFERENCES vendors (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    secret      text NOT NULL,
    description text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    row_version integer NOT NULL DEFAULT 1
);

-- The outbox: written in the transaction of the event, delivered by the job runner with retries and backoff.
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    webhook_id      bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           text NOT NULL,
    payload         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    gave_up_at      timestamptz,
    last_status     integer,
    last_error      text,
    last_attempt_at timestamptz
);

CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC);
