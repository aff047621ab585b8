-- Review governance: review series and their attendees, planned meetings, frozen meeting packs, minutes with their
-- decisions and action items, per-user calendar feeds, renegotiation proposals and renewal terms.

-- A series belongs to one agreement (vendor or master SLA), one vendor (all its agreements) or one master SLA with
-- every vendor SLA under it (a multi-vendor review).
CREATE TABLE review_series (
    id               bigserial PRIMARY KEY,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    tier             text NOT NULL CHECK (tier IN ('operational', 'tactical', 'strategic', 'annual')),
    scope_kind       text NOT NULL CHECK (scope_kind IN ('agreement', 'vendor', 'master')),
    agreement_id     bigint REFERENCES agreements (id) ON DELETE CASCADE,
    vendor_id        bigint REFERENCES vendors (id) ON DELETE CASCADE,
    recurrence       jsonb NOT NULL,
    time_zone        text NOT NULL,
    start_minute     integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 15 AND 480),
    pre_read_days    integer NOT NULL CHECK (pre_read_days BETWEEN 0 AND 30),
    calendar_id      bigint REFERENCES calendars (id) ON DELETE SET NULL,
    starts_on        date NOT NULL,
    location         text NOT NULL DEFAULT '' CHECK (length(location) <= 500),
    active           boolean NOT NULL DEFAULT true,
    -- meetings are planned up to this day; the planning job tops it up weekly
    planned_through  date,
    created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    row_version      integer NOT NULL DEFAULT 1,
    CONSTRAINT review_series_scope CHECK (
        (scope_kind = 'vendor' AND vendor_id IS NOT NULL AND agreement_id IS NULL)
        OR (scope_kind IN ('agreement', 'master') AND agreement_id IS NOT NULL AND vendor_id IS NULL)
    )
);

CREATE INDEX review_series_agreement_idx ON review_series (agreement_id);
CREATE INDEX review_series_vendor_idx ON review_series (vendor_id);

-- A person of the customer (user_id) or a vendor contact (contact_id).
CREATE TABLE review_attendees (
    id         bigserial PRIMARY KEY,
    series_id  bigint NOT NULL REFERENCES review_series (id) ON DELETE CASCADE,
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    contact_id bigint REFERENCES vendor_contacts (id) ON DELETE CASCADE,
    CONSTRAINT review_attendees_one CHECK ((user_id IS NULL) <> (contact_id IS NULL))
);

CREATE UNIQUE INDEX review_attendees_person_idx ON review_attendees (series_id, coalesce(user_id, 0), coalesce(contact_id, 0));

-- A meeting planned from the series' rule (planned_on: the rule's day, so planning again adds nothing) or added ad hoc.
-- Moving one keeps planned_on; sequence rises on every change so calendar clients replace their copy.
CREATE TABLE review_meetings (
    id                bigserial PRIMARY KEY,
    series_id         bigint NOT NULL REFERENCES review_series (id) ON DELETE CASCADE,
    planned_on        date,
    day               date NOT NULL,
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL CHECK (ends_at > starts_at),
    pack_due_at       timestamptz NOT NULL,
    status            text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    ad_hoc            boolean NOT NULL DEFAULT false,
    reason            text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    sequence          integer NOT NULL DEFAULT 0,
    -- set when the pack job claimed the meeting, so the scheduled pack is made once across replicas (cleared by a move)
    pack_claimed_at   timestamptz,
    -- minutes: attendance (attendee ids present), notes per agenda item, comment period and lock
    attendance        jsonb NOT NULL DEFAULT '[]',
    notes             jsonb NOT NULL DEFAULT '[]',
    minutes_opened_at timestamptz,
    comment_until     date,
    locked_at         timestamptz,
    minutes_hash      text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    row_version       integer NOT NULL DEFAULT 1,
    UNIQUE (series_id, planned_on)
);

CREATE INDEX review_meetings_series_idx ON review_meetings (series_id, starts_at);
CREATE INDEX review_meetings_pack_due_idx ON review_meetings (pack_due_at) WHERE status = 'planned';
CREATE INDEX review_meetings_lock_due_idx ON review_meetings (comment_until) WHERE locked_at IS NULL AND comment_until IS NOT NULL;

-- A frozen pack: the snapshot's bytes and their SHA-256 never change; regenerating adds a revision. One internal pack
-- (audience_vendor_id NULL) and one per vendor of the review.
CREATE TABLE review_packs (
    id                 bigserial PRIMARY KEY,
    meeting_id         bigint NOT NULL REFERENCES review_meetings (id) ON DELETE CASCADE,
    audience_vendor_id bigint REFERENCES vendors (id) ON DELETE CASCADE,
    revision           integer NOT NULL CHECK (revision >= 1),
    snapshot           text NOT NULL,
    sha256             text NOT NULL CHECK (length(sha256) = 64),
    moved              jsonb NOT NULL DEFAULT '[]',
    generated_at       timestamptz NOT NULL DEFAULT now(),
    generated_by       bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX review_packs_revision_idx ON review_packs (meeting_id, coalesce(audience_vendor_id, 0), revision);
CREATE INDEX review_packs_vendor_idx ON review_packs (audience_vendor_id);

CREATE FUNCTION review_packs_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'review packs are frozen: add a revision instead';
END;
$$;

CREATE TRIGGER review_packs_no_update BEFORE UPDATE ON review_packs FOR EACH ROW EXECUTE FUNCTION review_packs_frozen();

-- Decisions, action items and undecided questions of a meeting. party_vendor_id: the vendor an item concerns (NULL: every
-- party of the meeting); owner_vendor_id NULL: the customer owns it.
CREATE TABLE review_items (
    id              bigserial PRIMARY KEY,
    meeting_id      bigint NOT NULL REFERENCES review_meetings (id) ON DELETE CASCADE,
    series_id       bigint NOT NULL REFERENCES review_series (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('decision', 'action', 'question')),
    text            text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    party_vendor_id bigint REFERENCES vendors (id) ON DELETE CASCADE,
    owner_name      text NOT NULL DEFAULT '' CHECK (length(owner_name) <= 200),
    owner_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    due_on          date,
    status          text NOT NULL CHECK (status IN ('open', 'done', 'cancelled', 'decided')),
    decided_by      text NOT NULL DEFAULT '' CHECK (length(decided_by) <= 200),
    decided_at      timestamptz,
    raised_on       date NOT NULL,
    closed_on       date,
    -- what closed it: the decision on a question, the reason an item was dropped
    outcome         text NOT NULL DEFAULT '' CHECK (length(outcome) <= 4000),
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    row_version     integer NOT NULL DEFAULT 1,
    CONSTRAINT review_items_action_owner CHECK (kind <> 'action' OR (owner_name <> '' AND due_on IS NOT NULL))
);

CREATE INDEX review_items_meeting_idx ON review_items (meeting_id, id);
CREATE INDEX review_items_open_idx ON review_items (series_id) WHERE status = 'open';

-- A per-user calendar feed: only the SHA-256 of its secret is kept; a new secret revokes the old one.
CREATE TABLE calendar_feeds (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Renewal terms: the notice period before the term's end, and whether the agreement renews by itself.
ALTER TABLE agreement_governance ADD COLUMN notice_period_days integer CHECK (notice_period_days BETWEEN 0 AND 3660);
ALTER TABLE agreement_governance ADD COLUMN auto_renews boolean NOT NULL DEFAULT false;
-- A breach that meets the RCA triggers also adds an ad-hoc meeting to the agreement's most frequent review series.
ALTER TABLE agreement_governance ADD COLUMN adhoc_review_on_trigger boolean NOT NULL DEFAULT false;

-- A proposal to change an agreement's terms, from either side. changes: per objective series, the new targets, credit
-- tiers and cap. Both sides accept → a new version from effective_from; a counter-proposal supersedes its parent.
CREATE TABLE renegotiation_proposals (
    id                    bigserial PRIMARY KEY,
    agreement_id          bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    parent_id             bigint REFERENCES renegotiation_proposals (id) ON DELETE SET NULL,
    meeting_id            bigint REFERENCES review_meetings (id) ON DELETE SET NULL,
    status                text NOT NULL DEFAULT 'proposed'
                          CHECK (status IN ('proposed', 'in_negotiation', 'agreed', 'applied', 'rejected', 'withdrawn', 'superseded')),
    title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    rationale             text NOT NULL CHECK (length(rationale) BETWEEN 1 AND 10000),
    effective_from        date NOT NULL,
    changes               jsonb NOT NULL,
    replay_periods        integer NOT NULL DEFAULT 12 CHECK (replay_periods BETWEEN 1 AND 36),
    proposed_by_vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL,
    proposed_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    customer_accepted_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    customer_accepted_at  timestamptz,
    vendor_accepted_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    vendor_accepted_at    timestamptz,
    applied_version       integer,
    reason                text NOT NULL DEFAULT '' CHECK (length(reason) <= 4000),
    created_at            timestamptz NOT NULL DEFAULT now(),
    row_version           integer NOT NULL DEFAULT 1
);

CREATE INDEX renegotiation_proposals_agreement_idx ON renegotiation_proposals (agreement_id, created_at DESC);

ALTER TABLE governance_events DROP CONSTRAINT governance_events_subject_kind_check;
ALTER TABLE governance_events ADD CONSTRAINT governance_events_subject_kind_check
    CHECK (subject_kind IN ('claim', 'dispute', 'rca', 'action', 'meeting', 'review_item', 'proposal'));
