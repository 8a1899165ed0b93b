-- A job's webhook, and its outbox: each delivery is written in the transaction that records the event it announces.
CREATE TABLE webhooks (
    job_id     TEXT PRIMARY KEY REFERENCES jobs (id),
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id           TEXT PRIMARY KEY,
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    event        TEXT NOT NULL,
    state        TEXT NOT NULL,
    body         TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       BIGINT NOT NULL,
    retry_until  BIGINT NOT NULL,
    lease_until  BIGINT,
    created_at   BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_at);
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id, event, state);
CREATE INDEX webhook_deliveries_newest ON webhook_deliveries (created_at);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt     INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
