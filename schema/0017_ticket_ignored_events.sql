-- Ticket events that were no valid transition when they happened (a pause while resolved, a second "created"...):
-- kept with the reason, replaced whenever the ticket's outcomes are recomputed, and shown in the ticket's lineage.
CREATE TABLE ticket_ignored_events (
    series_id bigint NOT NULL,
    ticket    text NOT NULL,
    kind      text NOT NULL,
    at        timestamptz NOT NULL,
    reason    text NOT NULL,
    PRIMARY KEY (series_id, ticket, kind, at)
);
