-- API Gateway WebSocket connections (AWS Lambda mode): which job each one watches.
CREATE TABLE websocket_connections (
    connection_id TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL REFERENCES jobs (id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX websocket_connections_job ON websocket_connections (job_id);
