-- A version per measured series, bumped in every transaction that changes what its figures read (ingest, exclusions, closing, recomputing, alert changes): pages cache on their sum.
CREATE SEQUENCE series_version_seq;

CREATE TABLE series_versions (
    series_id bigint PRIMARY KEY,
    version   bigint NOT NULL
);
