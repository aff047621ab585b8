-- The dashboard's rows: each measured series' current period so far, kept up to date as its data changes (by the
-- ingest that changed it, and by the dashboard-rows job for everything else), so a page reads one page of rows
-- instead of computing the whole portfolio.
CREATE TABLE dashboard_rows (
    series_id        bigint PRIMARY KEY,
    objective_id     bigint NOT NULL,
    agreement_id     bigint NOT NULL,
    vendor_id        bigint,
    master_id        bigint,
    service_id       bigint,
    objective_name   text NOT NULL,
    agreement_title  text NOT NULL,
    vendor_name      text,
    is_master        boolean NOT NULL,
    sla_target       numeric NOT NULL,
    slo_target       numeric NOT NULL,
    attainment       numeric,
    sla_status       text NOT NULL,
    slo_status       text NOT NULL,
    outlook          text,
    projected        numeric,
    budget_remaining numeric,
    firing           text[] NOT NULL DEFAULT '{}',
    history          jsonb NOT NULL DEFAULT '[]',
    -- breached, at_risk, on_track or no_data: what the filter and the summary count
    status           text NOT NULL CHECK (status IN ('breached', 'at_risk', 'on_track', 'no_data')),
    -- how far the period's projected (or current) attainment falls short of the SLA, for sorting by risk
    shortfall        numeric,
    -- the series_versions version the row was computed from; a newer one makes it stale
    source_version   bigint NOT NULL DEFAULT 0,
    period_end       timestamptz,
    refreshed_at     timestamptz NOT NULL
);

CREATE INDEX dashboard_rows_vendor_idx ON dashboard_rows (vendor_id);
-- in the order the page sorts by, so the first page of the riskiest rows is read from the index
CREATE INDEX dashboard_rows_risk_idx ON dashboard_rows (shortfall DESC NULLS LAST, budget_remaining NULLS LAST, lower(objective_name), series_id);
CREATE INDEX dashboard_rows_refreshed_idx ON dashboard_rows (refreshed_at);
CREATE INDEX dashboard_rows_period_end_idx ON dashboard_rows (period_end);

-- What the rows were last matched against: a counter that every change of agreements, versions, objectives or vendors
-- raises (by the triggers below), and the day (versions come into force by the day). A page view compares two numbers.
CREATE TABLE dashboard_state (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    structure_version bigint NOT NULL DEFAULT 0,
    matched_version   bigint NOT NULL DEFAULT -1,
    matched_day       date
);

INSERT INTO dashboard_state (singleton) VALUES (true);

CREATE FUNCTION dashboard_structure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_state SET structure_version = structure_version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER agreements_dashboard AFTER INSERT OR UPDATE OR DELETE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_structure_changed();
CREATE TRIGGER agreement_versions_dashboard AFTER INSERT OR UPDATE OR DELETE ON agreement_versions
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_structure_changed();
CREATE TRIGGER objectives_dashboard AFTER INSERT OR UPDATE OR DELETE ON objectives
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_structure_changed();
CREATE TRIGGER vendors_dashboard AFTER INSERT OR UPDATE OR DELETE ON vendors
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_structure_changed();
