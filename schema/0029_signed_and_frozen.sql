-- What is signed or frozen cannot change, enforced by triggers the schema's owner holds: accepted RCAs (content, parties, timeline, factors, breaches, evidence), frozen packs and locked minutes; webhook logs keep no network error text.

CREATE FUNCTION accord_refuse_frozen(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% cannot change: it is signed or frozen', what USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Whether an RCA is accepted or closed: its signed content is then final.
CREATE FUNCTION accord_rca_is_final(rca bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM rcas WHERE id = rca AND status IN ('accepted', 'closed'))
$$;

CREATE FUNCTION rcas_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status NOT IN ('accepted', 'closed') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM accord_refuse_frozen('an accepted RCA');
    END IF;
    -- an accepted RCA may only be closed; its content, hash and acceptance stay as signed
    IF NEW.title IS DISTINCT FROM OLD.title OR NEW.trigger_statement IS DISTINCT FROM OLD.trigger_statement
        OR NEW.root_cause IS DISTINCT FROM OLD.root_cause OR NEW.root_cause_category IS DISTINCT FROM OLD.root_cause_category
        OR NEW.five_whys IS DISTINCT FROM OLD.five_whys OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
        OR NEW.accepted_at IS DISTINCT FROM OLD.accepted_at OR NEW.opened_at IS DISTINCT FROM OLD.opened_at
        OR NOT (NEW.status = OLD.status OR (OLD.status = 'accepted' AND NEW.status = 'closed'))
        OR (OLD.status = 'closed' AND NEW.closed_at IS DISTINCT FROM OLD.closed_at) THEN
        PERFORM accord_refuse_frozen('an accepted RCA');
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER rcas_final BEFORE UPDATE OR DELETE ON rcas FOR EACH ROW EXECUTE FUNCTION rcas_guard_final();

-- Rows that make up an RCA's signed content: none added, changed or removed once it is accepted. A reference set to
-- NULL because a user or vendor was removed is not a change of content. One function per table, since PL/pgSQL plans
-- every field a condition names, whatever table fired it.
-- Whether a row's RCA (before and after the change) is final.
CREATE FUNCTION rca_row_is_final(operation text, old_rca bigint, new_rca bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT (operation <> 'INSERT' AND accord_rca_is_final(old_rca)) OR (operation <> 'DELETE' AND accord_rca_is_final(new_rca))
$$;

CREATE FUNCTION rca_parties_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rca_row_is_final(TG_OP, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.rca_id END, CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.rca_id END) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.rca_id = OLD.rca_id AND NEW.vendor_id IS NOT DISTINCT FROM OLD.vendor_id AND NEW.share IS NOT DISTINCT FROM OLD.share
        AND NEW.signed_hash IS NOT DISTINCT FROM OLD.signed_hash AND NEW.signed_at IS NOT DISTINCT FROM OLD.signed_at THEN
        RETURN NEW;
    END IF;
    PERFORM accord_refuse_frozen('an accepted RCA''s parties');
    RETURN NULL;
END;
$$;

CREATE FUNCTION rca_timeline_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rca_row_is_final(TG_OP, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.rca_id END, CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.rca_id END) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.rca_id = OLD.rca_id AND NEW.at = OLD.at AND NEW.text = OLD.text AND NEW.evidence_url = OLD.evidence_url
        AND (NEW.author_vendor_id IS NOT DISTINCT FROM OLD.author_vendor_id OR NEW.author_vendor_id IS NULL) THEN
        RETURN NEW;
    END IF;
    PERFORM accord_refuse_frozen('an accepted RCA''s timeline');
    RETURN NULL;
END;
$$;

CREATE FUNCTION rca_factors_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rca_row_is_final(TG_OP, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.rca_id END, CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.rca_id END) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.rca_id = OLD.rca_id AND NEW.category = OLD.category AND NEW.description = OLD.description
        AND (NEW.responsible_vendor_id IS NOT DISTINCT FROM OLD.responsible_vendor_id OR NEW.responsible_vendor_id IS NULL) THEN
        RETURN NEW;
    END IF;
    PERFORM accord_refuse_frozen('an accepted RCA''s factors');
    RETURN NULL;
END;
$$;

CREATE FUNCTION rca_breaches_guard_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT rca_row_is_final(TG_OP, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.rca_id END, CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.rca_id END) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    PERFORM accord_refuse_frozen('an accepted RCA''s breaches');
    RETURN NULL;
END;
$$;

CREATE TRIGGER rca_parties_final BEFORE INSERT OR UPDATE OR DELETE ON rca_parties FOR EACH ROW EXECUTE FUNCTION rca_parties_guard_final();
CREATE TRIGGER rca_timeline_final BEFORE INSERT OR UPDATE OR DELETE ON rca_timeline FOR EACH ROW EXECUTE FUNCTION rca_timeline_guard_final();
CREATE TRIGGER rca_factors_final BEFORE INSERT OR UPDATE OR DELETE ON rca_factors FOR EACH ROW EXECUTE FUNCTION rca_factors_guard_final();
CREATE TRIGGER rca_breaches_final BEFORE INSERT OR UPDATE OR DELETE ON rca_breaches FOR EACH ROW EXECUTE FUNCTION rca_breaches_guard_final();

-- Evidence files never change; an accepted RCA's evidence (its digests are in the signed content) is neither added to
-- nor removed.
CREATE FUNCTION evidence_files_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_kind text := CASE WHEN TG_OP = 'INSERT' THEN NEW.subject_kind ELSE OLD.subject_kind END;
    row_subject bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.subject_id ELSE OLD.subject_id END;
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.content IS DISTINCT FROM OLD.content OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.subject_kind IS DISTINCT FROM OLD.subject_kind OR NEW.subject_id IS DISTINCT FROM OLD.subject_id
        OR NEW.file_name IS DISTINCT FROM OLD.file_name) THEN
        PERFORM accord_refuse_frozen('an evidence file');
    END IF;
    IF row_kind = 'rca' AND accord_rca_is_final(row_subject) AND TG_OP <> 'UPDATE' THEN
        PERFORM accord_refuse_frozen('an accepted RCA''s evidence');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

CREATE TRIGGER evidence_files_frozen BEFORE INSERT OR UPDATE OR DELETE ON evidence_files FOR EACH ROW EXECUTE FUNCTION evidence_files_guard();

-- Frozen packs were already never updated; they are not deleted either, and both refusals say so as a lack of privilege.
CREATE FUNCTION review_packs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM accord_refuse_frozen('a frozen pack (add a revision instead)');
    RETURN NULL;
END;
$$;

DROP TRIGGER review_packs_no_update ON review_packs;
CREATE TRIGGER review_packs_no_update BEFORE UPDATE OR DELETE ON review_packs FOR EACH ROW EXECUTE FUNCTION review_packs_guard();

-- Locked minutes: attendance, notes, the lock and its hash stay; a meeting with locked minutes is not deleted.
CREATE FUNCTION review_meetings_guard_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.locked_at IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.attendance IS DISTINCT FROM OLD.attendance OR NEW.notes IS DISTINCT FROM OLD.notes
        OR NEW.day IS DISTINCT FROM OLD.day
        OR NEW.locked_at IS DISTINCT FROM OLD.locked_at OR NEW.minutes_hash IS DISTINCT FROM OLD.minutes_hash
        OR NEW.minutes_opened_at IS DISTINCT FROM OLD.minutes_opened_at OR NEW.comment_until IS DISTINCT FROM OLD.comment_until THEN
        PERFORM accord_refuse_frozen('locked minutes');
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER review_meetings_locked BEFORE UPDATE OR DELETE ON review_meetings FOR EACH ROW EXECUTE FUNCTION review_meetings_guard_locked();

-- Items recorded in locked minutes keep what was written; they are still closed, decided or cancelled later (open items
-- roll into the next agenda until then). None is added to or removed from locked minutes.
CREATE FUNCTION review_items_guard_locked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    meeting bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.meeting_id ELSE OLD.meeting_id END;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM review_meetings WHERE id = meeting AND locked_at IS NOT NULL) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP <> 'UPDATE' OR NEW.meeting_id <> OLD.meeting_id OR NEW.kind <> OLD.kind OR NEW.text <> OLD.text
        OR NEW.party_vendor_id IS DISTINCT FROM OLD.party_vendor_id OR NEW.owner_name <> OLD.owner_name
        OR NEW.due_on IS DISTINCT FROM OLD.due_on OR NEW.raised_on <> OLD.raised_on
        OR (NEW.owner_vendor_id IS DISTINCT FROM OLD.owner_vendor_id AND NEW.owner_vendor_id IS NOT NULL)
        OR (OLD.kind = 'decision' AND NEW.decided_by <> OLD.decided_by) THEN
        PERFORM accord_refuse_frozen('an item of locked minutes');
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER review_items_locked BEFORE INSERT OR UPDATE OR DELETE ON review_items FOR EACH ROW EXECUTE FUNCTION review_items_guard_locked();

-- Delivery logs keep the answer's status, "no answer" or "refused by policy", never the network's error text.
UPDATE webhook_deliveries SET last_error = 'no answer'
WHERE last_error IS NOT NULL AND last_error NOT LIKE 'HTTP %' AND last_error <> 'refused by policy';
