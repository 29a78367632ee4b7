-- Activities (CreateActivity): their tasks live in executions' snapshots; this keeps the names.
CREATE TABLE activities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created TEXT NOT NULL
);
