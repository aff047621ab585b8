-- An objective's series: the same promise across versions, so that measurements and periods outlive amendments.
ALTER TABLE objectives ADD COLUMN series_id bigint;

UPDATE objectives SET series_id = id;

ALTER TABLE objectives ALTER COLUMN series_id SET NOT NULL;

CREATE INDEX objectives_series_idx ON objectives (series_id);

CREATE FUNCTION objectives_default_series() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.series_id := coalesce(NEW.series_id, NEW.id);
    RETURN NEW;
END;
$$;

CREATE TRIGGER objectives_series_default
    BEFORE INSERT ON objectives
    FOR EACH ROW EXECUTE FUNCTION objectives_default_series();
