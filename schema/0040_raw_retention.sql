-- Raw minute buckets are kept for a span (ACCORD_RAW_RETENTION_DAYS); older month partitions are summarised and
-- dropped by the raw-retention job. What stays proves every closed period's figures and lineage:
--   * the hourly rollup (measurement_hours), untouched;
--   * each batch's digest: its row count, content hash (already kept) and its sums (below), and per UTC hour the
--     buckets, good and valid it brought (measurement_batch_hours), so a period's lineage reads the same;
--   * the raw buckets a figure still needs at a finer grain than the hour: those an approved exclusion covers, and those
--     of series whose agreement's zone is not a whole number of hours from UTC (their periods start inside an hour).
--     They move to the default partition before the month's partition is dropped.
ALTER TABLE measurement_batches ADD COLUMN good_sum bigint, ADD COLUMN valid_sum bigint;

UPDATE measurement_batches b SET good_sum = s.good, valid_sum = s.valid
FROM (SELECT batch_id, sum(good)::bigint AS good, sum(valid)::bigint AS valid FROM measurements GROUP BY batch_id) s
WHERE s.batch_id = b.id;

CREATE TABLE measurement_batch_hours (
    series_id bigint NOT NULL,
    hour      timestamptz NOT NULL,
    batch_id  bigint NOT NULL,
    buckets   integer NOT NULL CHECK (buckets > 0),
    good      bigint NOT NULL,
    valid     bigint NOT NULL,
    PRIMARY KEY (series_id, hour, batch_id)
);

-- One row per month whose raw partition was summarised: late data for it is refused from then on.
CREATE TABLE measurement_months_summarised (
    month         date PRIMARY KEY CHECK (month = date_trunc('month', month)::date),
    summarised_at timestamptz NOT NULL DEFAULT now(),
    dropped       bigint NOT NULL,
    kept          bigint NOT NULL,
    digest_rows   bigint NOT NULL
);

-- Old months a batch wrote to lately (a backfill): a month is summarised only a week after its last batch, so a
-- backfill in progress is not cut off. Months of the last 45 days are not recorded (live feeds write there).
CREATE TABLE measurement_months_written (
    month           date PRIMARY KEY CHECK (month = date_trunc('month', month)::date),
    last_written_at timestamptz NOT NULL
);

-- Summarises one month and drops its partition, in the caller's transaction. The server's role has no DDL rights:
-- this function (owned by the schema's owner) is the only way, and it refuses a month that ended less than 62 days ago
-- (a month and the default 30-day dispute window) whatever the caller asks. `keep_series`: series whose raw buckets
-- are all kept.
CREATE FUNCTION accord_summarise_measurement_month(month_start date, keep_series bigint[]) RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    partition_name text := format('measurements_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
    dropped bigint;
    kept bigint;
    digests bigint;
BEGIN
    IF month_start IS NULL OR month_start <> date_trunc('month', month_start)::date THEN
        RAISE EXCEPTION 'a partition starts on the first day of a month, not %', month_start USING ERRCODE = '22023';
    END IF;
    IF (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC' > now() - interval '62 days' THEN
        RAISE EXCEPTION 'the raw buckets of % are too recent to summarise', to_char(month_start, 'YYYY-MM') USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(19781, 0);
    IF to_regclass(partition_name) IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('CREATE TEMP TABLE summarised_keep ON COMMIT DROP AS
        SELECT m.* FROM %I m
        WHERE m.series_id = ANY($1)
           OR EXISTS (SELECT 1 FROM exclusions x WHERE x.series_id = m.series_id AND x.status = ''approved''
                      AND x.starts_at < m.bucket_end AND x.ends_at > m.bucket_start)', partition_name) USING keep_series;
    EXECUTE format('INSERT INTO measurement_batch_hours (series_id, hour, batch_id, buckets, good, valid)
        SELECT m.series_id, date_trunc(''hour'', m.bucket_start, ''UTC''), m.batch_id, count(*), sum(m.good), sum(m.valid)
        FROM %I m
        WHERE NOT (m.series_id = ANY($1))
          AND NOT EXISTS (SELECT 1 FROM exclusions x WHERE x.series_id = m.series_id AND x.status = ''approved''
                          AND x.starts_at < m.bucket_end AND x.ends_at > m.bucket_start)
        GROUP BY 1, 2, 3', partition_name) USING keep_series;
    GET DIAGNOSTICS digests = ROW_COUNT;
    EXECUTE format('SELECT count(*) FROM %I', partition_name) INTO dropped;
    EXECUTE format('ALTER TABLE measurements DETACH PARTITION %I', partition_name);
    INSERT INTO measurements SELECT * FROM summarised_keep;
    GET DIAGNOSTICS kept = ROW_COUNT;
    EXECUTE format('DROP TABLE %I', partition_name);
    INSERT INTO measurement_months_summarised (month, dropped, kept, digest_rows) VALUES (month_start, dropped - kept, kept, digests);
    RETURN ARRAY[dropped - kept, kept, digests];
END
$$;

REVOKE ALL ON FUNCTION accord_summarise_measurement_month(date, bigint[]) FROM PUBLIC;

-- Late data for a summarised month would land beside summaries that cannot take it in: no partition is made for it.
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
    IF EXISTS (SELECT 1 FROM measurement_months_summarised WHERE month = month_start) THEN
        RAISE EXCEPTION 'the raw buckets of % were summarised', to_char(month_start, 'YYYY-MM') USING ERRCODE = '22023';
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
