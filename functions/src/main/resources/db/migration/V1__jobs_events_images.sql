-- Portable between SQLite and PostgreSQL: only types both understand.
CREATE TABLE images (
    id           TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size_bytes   BIGINT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE jobs (
    id                 TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    advisor            TEXT NOT NULL,
    prompt             TEXT NOT NULL,
    mode               TEXT NOT NULL,
    image_id           TEXT REFERENCES images (id),
    max_tokens         INTEGER NOT NULL,
    temperature        DOUBLE PRECISION NOT NULL,
    update_interval_ms BIGINT NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    lease_id           TEXT,
    lease_epoch        BIGINT NOT NULL DEFAULT 0,
    lease_expires_at   BIGINT,
    runner_id          TEXT,
    last_update_seq    BIGINT NOT NULL DEFAULT 0,
    tokens             INTEGER NOT NULL DEFAULT 0,
    tokens_per_second  DOUBLE PRECISION NOT NULL DEFAULT 0,
    prompt_tokens      INTEGER NOT NULL DEFAULT 0,
    elapsed_ms         BIGINT NOT NULL DEFAULT 0,
    analysis           TEXT,
    error              TEXT,
    last_seq           BIGINT NOT NULL DEFAULT 0,
    created_at         BIGINT NOT NULL,
    started_at         BIGINT,
    finished_at        BIGINT
);
CREATE INDEX jobs_queue ON jobs (status, created_at);
CREATE INDEX jobs_lease ON jobs (status, lease_expires_at);

CREATE TABLE job_events (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    seq    BIGINT NOT NULL,
    type   TEXT NOT NULL,
    data   TEXT NOT NULL,
    at     BIGINT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
