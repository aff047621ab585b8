-- Mail: the relay an admin configures (one row), an outbox written in the transaction of what each message announces,
-- and each person's choice for their inbox items.
CREATE TABLE mail_settings (
    id                 integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    mode               text NOT NULL DEFAULT 'off' CHECK (mode IN ('off', 'smtp', 'capture')),
    host               text NOT NULL DEFAULT '' CHECK (length(host) <= 253),
    port               integer NOT NULL DEFAULT 587 CHECK (port BETWEEN 1 AND 65535),
    security           text NOT NULL DEFAULT 'starttls' CHECK (security IN ('starttls', 'tls', 'none')),
    username           text NOT NULL DEFAULT '' CHECK (length(username) <= 200),
    -- kept to send it; no read gives it back
    password           text NOT NULL DEFAULT '' CHECK (length(password) <= 500),
    sender_address     text NOT NULL DEFAULT '' CHECK (length(sender_address) <= 254),
    sender_name        text NOT NULL DEFAULT 'Accord' CHECK (length(sender_name) <= 100),
    verify_certificate boolean NOT NULL DEFAULT true,
    timeout_seconds    integer NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 5 AND 120),
    updated_at         timestamptz,
    row_version        integer NOT NULL DEFAULT 0
);
INSERT INTO mail_settings (id) VALUES (1);

CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('notification', 'digest', 'notice', 'reminder', 'pack', 'invitation', 'statement', 'test')),
    user_id         bigint REFERENCES users (id) ON DELETE SET NULL,
    to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
    to_name         text NOT NULL DEFAULT '',
    subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 400),
    body_text       text NOT NULL,
    body_html       text,
    -- the page the message is about, relative to ACCORD_PUBLIC_URL: 'Open in Accord' under the text
    link            text,
    attachments     jsonb NOT NULL DEFAULT '[]',
    calendar        text,
    -- the left part of the Message-ID: a retry sends the same message
    message_token   text NOT NULL,
    dedupe_key      text,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    sent_at         timestamptz,
    gave_up_at      timestamptz,
    last_error      text,
    last_attempt_at timestamptz
);
CREATE UNIQUE INDEX mail_outbox_dedupe_idx ON mail_outbox (to_address, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC, id DESC);

-- immediate, a daily digest, or not by mail; the digest carries the unread items created after digest_through
ALTER TABLE users ADD COLUMN inbox_mail text NOT NULL DEFAULT 'immediate' CHECK (inbox_mail IN ('immediate', 'digest', 'off'));
ALTER TABLE users ADD COLUMN digest_through timestamptz;

-- the version of a meeting its attendees were last sent (REQUEST) or told of its cancellation (CANCEL): the invitation
-- job sends what changed since, once, whatever the number of runners
ALTER TABLE review_meetings ADD COLUMN invited_sequence integer;
ALTER TABLE review_meetings ADD COLUMN invited_status text CHECK (invited_status IN ('planned', 'cancelled'));
CREATE INDEX review_meetings_invite_idx ON review_meetings (starts_at) WHERE invited_status IS DISTINCT FROM status OR invited_sequence IS DISTINCT FROM sequence;
