-- State machines, executions (a summary row plus the snapshot the engine continues from) and
-- their append-only histories. JSON is kept as text: its member order is part of the data.

CREATE TABLE state_machines (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    machine_type TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    description TEXT
);

CREATE TABLE executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    state_machine_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    start_date TEXT NOT NULL,
    stop_date TEXT,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    redrive_count INTEGER NOT NULL DEFAULT 0,
    -- The definition the execution started with.
    definition TEXT NOT NULL,
    -- The interpreter's state after the last committed step (JSON).
    state TEXT NOT NULL,
    event_count INTEGER NOT NULL,
    -- Epoch milliseconds of the earliest pending timer (a durable timer row).
    wake_at INTEGER,
    -- Task attempts started and without a recorded result.
    tasks INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX executions_by_machine ON executions (state_machine_arn, id);
CREATE INDEX executions_unfinished ON executions (wake_at) WHERE status = 'RUNNING';

CREATE TABLE events (
    execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    previous_event_id INTEGER NOT NULL,
    timestamp TEXT NOT NULL,
    type TEXT NOT NULL,
    details TEXT,
    PRIMARY KEY (execution_id, id)
) WITHOUT ROWID;
