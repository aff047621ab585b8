-- The latest burn rate of each series over each lookback, as the alert evaluation computed it: what /metrics exposes.
CREATE TABLE series_burn_rates (
    series_id    bigint NOT NULL,
    lookback     integer NOT NULL CHECK (lookback > 0),
    burn_rate    numeric,
    evaluated_at timestamptz NOT NULL,
    PRIMARY KEY (series_id, lookback)
);
