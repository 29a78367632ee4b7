-- State machines, executions (a summary row plus the snapshot the engine continues from) and
-- their append-only histories. JSON is kept as text: its member order is part of the data
-- (jsonb would reorder it).

CREATE TABLE state_machines (
    seq BIGSERIAL PRIMARY KEY,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    machine_type TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    description TEXT
);

CREATE TABLE executions (
    id BIGSERIAL PRIMARY KEY,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    state_machine_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date TIMESTAMPTZ NOT NULL,
    stop_date TIMESTAMPTZ,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    redrive_count BIGINT NOT NULL DEFAULT 0,
    -- The definition the execution started with.
    definition TEXT NOT NULL,
    -- The interpreter's state after the last committed step (JSON).
    state TEXT NOT NULL,
    event_count BIGINT NOT NULL,
    -- Epoch milliseconds of the earliest pending timer (a durable timer row).
    wake_at BIGINT,
    -- Task attempts started and without a recorded result.
    tasks BIGINT NOT NULL DEFAULT 0,
    -- Scale-out: the process advancing the execution, until when (epoch milliseconds).
    owner TEXT,
    lease_until BIGINT
);

CREATE INDEX executions_by_machine ON executions (state_machine_arn, id);
CREATE INDEX executions_unfinished ON executions (wake_at) WHERE status = 'RUNNING';

CREATE TABLE events (
    execution_id BIGINT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    id BIGINT NOT NULL,
    previous_event_id BIGINT NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    type TEXT NOT NULL,
    details TEXT,
    PRIMARY KEY (execution_id, id)
);
