-- Two batches reaching a new month at once: the second caller waits on the lock, but its catalog lookup may not see
-- the partition the first just committed (the advisory lock does not refresh the catalog snapshot). A partition that
-- turns out to exist is the partition wanted: the duplicate is ignored.
CREATE OR REPLACE FUNCTION accord_create_measurement_partition(month_start date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    partition_name text := format('measurements_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
BEGIN
    IF month_start IS NULL OR month_start <> date_trunc('month', month_start)::date THEN
        RAISE EXCEPTION 'a partition starts on the first day of a month, not %', month_start USING ERRCODE = '22023';
    END IF;
    IF month_start < DATE '1970-01-01' OR month_start > date_trunc('month', now() + interval '1 year')::date THEN
        RAISE EXCEPTION 'no measurements may be stored for %', to_char(month_start, 'YYYY-MM') USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(19781, 0);
    IF to_regclass(partition_name) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF measurements FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start::timestamp AT TIME ZONE 'UTC', (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        EXCEPTION WHEN duplicate_table THEN
            NULL;
        END;
    END IF;
END
$$;

REVOKE ALL ON FUNCTION accord_create_measurement_partition(date) FROM PUBLIC;
