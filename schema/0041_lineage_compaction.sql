-- A live feed sends a small batch a minute: its lineage records would outgrow its data. Once an hour of a series is
-- safe from replay (two days on: idempotency keys live one), its small batches of one source are compacted into one
-- batch: the rows' count, sums and content hash (the same hash a batch of those rows would have), received from the
-- first member's arrival to the last's, and how many batches it holds. The raw buckets point to it.
ALTER TABLE measurement_batches
    ADD COLUMN compacted_from integer CHECK (compacted_from >= 2),
    ADD COLUMN first_received_at timestamptz;

-- the batches the compaction job looks for: small, pushed (a pulled batch keeps its own provenance), not compacted
CREATE INDEX measurement_batches_compactable_idx ON measurement_batches (received_at)
    WHERE kind = 'buckets' AND compacted_from IS NULL AND pulled IS NULL AND row_count <= 60;
