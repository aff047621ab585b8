-- A meeting's packs are mailed to its attendees once, at the pre-read deadline (or once mail is on, before the meeting
-- ends): this records when.
ALTER TABLE review_meetings ADD COLUMN packs_mailed_at timestamptz;
-- Meetings already over are not mailed when this arrives.
UPDATE review_meetings SET packs_mailed_at = now() WHERE ends_at <= now();
CREATE INDEX review_meetings_pack_mail_idx ON review_meetings (pack_due_at) WHERE packs_mailed_at IS NULL AND status = 'planned';
