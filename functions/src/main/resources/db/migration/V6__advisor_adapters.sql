-- An operator's choice of an advisor's LoRA adapter (admin API), over the advisors file's; adapter NULL: none.
CREATE TABLE advisor_adapters (
    advisor_id TEXT PRIMARY KEY,
    adapter    TEXT,
    updated_at BIGINT NOT NULL
);

-- What each runner said at its last claim: the adapters that fit its model (a JSON list), and why any others
-- under its --adapters do not (a JSON object), so that an adapter is checked when an operator picks it.
CREATE TABLE runner_adapters (
    runner_id   TEXT PRIMARY KEY,
    adapters    TEXT NOT NULL,
    problems    TEXT NOT NULL,
    reported_at BIGINT NOT NULL
);
