-- The hourly rollup is cut on UTC hours whatever the database session's zone (date_trunc on a timestamptz follows the
-- session's zone, and a half-hour zone would have cut it on :30): rebuilt once from the measurements themselves.
DELETE FROM measurement_hours;
INSERT INTO measurement_hours (series_id, hour, good, valid, buckets)
SELECT series_id, date_trunc('hour', bucket_start, 'UTC'), sum(good), sum(valid), count(*)
FROM measurements
GROUP BY series_id, date_trunc('hour', bucket_start, 'UTC');
