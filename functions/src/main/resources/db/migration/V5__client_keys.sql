-- Client keys (stored as SHA-256 hashes; the key itself is shown once), the job's owner, and one row to lock
-- while the anonymous (keys off) quota is counted, so instances admit jobs one at a time.
CREATE TABLE client_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

ALTER TABLE jobs ADD COLUMN owner_key TEXT;
CREATE INDEX jobs_owner ON jobs (owner_key, created_at);

CREATE TABLE quota_gate (
    name TEXT PRIMARY KEY
);
INSERT INTO quota_gate (name) VALUES ('anonymous');
