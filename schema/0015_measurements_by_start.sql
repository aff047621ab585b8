-- A bucket counts in the period in which it starts: the partial hours at a period's edges are summed from the
-- measurements of the series by start, whatever their source.
CREATE INDEX measurements_series_start_idx ON measurements (series_id, bucket_start);
DROP INDEX measurements_series_idx;
