-- Series whose ticket timers must be computed again from their whole history because the rules that judge them
-- changed (events at the same instant, pauses while resolved, events that cannot apply): every series with ticket
-- events stored so far. The ticket-replay job works through them, then recomputes the periods they touch.
CREATE TABLE ticket_replays (
    series_id    bigint PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO ticket_replays (series_id) SELECT DISTINCT series_id FROM ticket_events;
