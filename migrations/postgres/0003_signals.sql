-- Signals (a task token's result, a stop) that reached a process other than the one advancing the
-- execution; the owner takes them from here.
CREATE TABLE signals (
    id BIGSERIAL PRIMARY KEY,
    execution_arn TEXT NOT NULL,
    signal TEXT NOT NULL
);
CREATE INDEX signals_by_execution ON signals (execution_arn, id);
