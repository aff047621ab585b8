-- Ratio measurements, partitioned by month of bucket start, the batches that brought them (lineage) and hourly rollups.
CREATE TABLE measurement_batches (
    id           bigserial PRIMARY KEY,
    series_id    bigint NOT NULL,
    objective_id bigint NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    kind         text NOT NULL CHECK (kind IN ('buckets', 'ticket_events')),
    received_at  timestamptz NOT NULL DEFAULT now(),
    user_id      bigint REFERENCES users (id) ON DELETE SET NULL,
    credential   text NOT NULL,
    row_count    integer NOT NULL CHECK (row_count > 0),
    content_hash text NOT NULL,
    first_start  timestamptz NOT NULL,
    last_end     timestamptz NOT NULL
);

CREATE INDEX measurement_batches_series_idx ON measurement_batches (series_id, received_at DESC);

CREATE TABLE measurements (
    series_id    bigint NOT NULL,
    source       text NOT NULL,
    batch_id     bigint NOT NULL,
    bucket_start timestamptz NOT NULL,
    bucket_end   timestamptz NOT NULL,
    good         bigint NOT NULL,
    valid        bigint NOT NULL,
    CONSTRAINT measurements_counts CHECK (good >= 0 AND valid >= good),
    CONSTRAINT measurements_span CHECK (bucket_end > bucket_start AND bucket_end - bucket_start <= interval '1 day')
) PARTITION BY RANGE (bucket_start);

CREATE TABLE measurements_default PARTITION OF measurements DEFAULT;

CREATE INDEX measurements_series_idx ON measurements (series_id, source, bucket_start);

CREATE TABLE measurement_hours (
    series_id bigint NOT NULL,
    hour      timestamptz NOT NULL,
    good      bigint NOT NULL,
    valid     bigint NOT NULL,
    buckets   integer NOT NULL,
    PRIMARY KEY (series_id, hour)
);
