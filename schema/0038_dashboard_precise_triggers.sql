-- An edit re-matches the dashboard's rows only when it can change which rows there are or how they are computed.
-- Renaming a vendor or retitling an agreement rewrites the names in its rows in place; a vendor's description, an
-- agreement's fee or notice date change nothing on the dashboard and leave its rows as they are. Creating or deleting
-- an agreement, and changing what places an agreement's objectives (kind, service, vendor, master, dependency, zone,
-- dates, status), still raise the counter that makes the next view match every row again.
DROP TRIGGER vendors_dashboard ON vendors;
DROP TRIGGER agreements_dashboard ON agreements;

CREATE FUNCTION dashboard_vendor_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_rows SET vendor_name = NEW.name WHERE vendor_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER vendors_dashboard_name AFTER UPDATE OF name ON vendors
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION dashboard_vendor_renamed();

CREATE FUNCTION dashboard_agreement_retitled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_rows SET agreement_title = NEW.title WHERE agreement_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER agreements_dashboard_title AFTER UPDATE OF title ON agreements
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION dashboard_agreement_retitled();

CREATE TRIGGER agreements_dashboard AFTER INSERT OR DELETE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_structure_changed();

CREATE TRIGGER agreements_dashboard_placement AFTER UPDATE ON agreements
    FOR EACH ROW WHEN (
        (OLD.kind, OLD.service_id, OLD.vendor_id, OLD.master_id, OLD.dependency_kind, OLD.parallel_group, OLD.time_zone,
         OLD.start_date, OLD.end_date, OLD.status)
        IS DISTINCT FROM
        (NEW.kind, NEW.service_id, NEW.vendor_id, NEW.master_id, NEW.dependency_kind, NEW.parallel_group, NEW.time_zone,
         NEW.start_date, NEW.end_date, NEW.status))
    EXECUTE FUNCTION dashboard_structure_changed();
