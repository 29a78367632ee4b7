-- Activities (CreateActivity): their tasks live in executions' snapshots; this keeps the names.
CREATE TABLE activities (
    seq BIGSERIAL PRIMARY KEY,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL
);
