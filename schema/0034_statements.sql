-- Monthly statements: one per agreement and month (in the agreement's zone), issued when the month's periods have
-- closed, signed with Ed25519 over their canonical JSON, each carrying the SHA-256 of the agreement's previous
-- statement (a chain). Late data makes a new revision that names the one it supersedes; nothing issued changes.

-- The key statements are signed with. The newest is used; retired keys stay published so older statements verify.
CREATE TABLE signing_keys (
    id          serial PRIMARY KEY,
    public_key  text NOT NULL UNIQUE,
    -- the 32-byte Ed25519 seed, base64; only the server reads it
    private_key text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE statements (
    id              bigserial PRIMARY KEY,
    agreement_id    bigint NOT NULL REFERENCES agreements (id),
    vendor_id       bigint,
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    revision        integer NOT NULL CHECK (revision >= 1),
    -- the canonical JSON signed, byte for byte
    canonical       text NOT NULL,
    sha256          text NOT NULL UNIQUE,
    signature       text NOT NULL,
    key_id          integer NOT NULL REFERENCES signing_keys (id),
    previous_sha256 text,
    supersedes_id   bigint REFERENCES statements (id),
    -- the figures the statement was made from, to see whether late data changed them
    content_sha256  text NOT NULL,
    issued_at       timestamptz NOT NULL,
    UNIQUE (agreement_id, month, revision)
);
CREATE INDEX statements_agreement_idx ON statements (agreement_id, issued_at DESC, id DESC);

CREATE FUNCTION statements_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM accord_refuse_frozen('an issued statement (issue a new revision instead)');
    RETURN NULL;
END;
$$;
CREATE TRIGGER statements_issued BEFORE UPDATE OR DELETE ON statements FOR EACH ROW EXECUTE FUNCTION statements_guard();

-- Months whose statement must be (re)considered: added when a period of the agreement is recorded or revised.
CREATE TABLE statements_due (
    agreement_id bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    month        date NOT NULL,
    due_at       timestamptz NOT NULL,
    PRIMARY KEY (agreement_id, month)
);
