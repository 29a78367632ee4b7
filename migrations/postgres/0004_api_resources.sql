-- What the AWS API keeps beside the engine (tags, aliases, version counters, the alias an
-- execution was started through): one JSON document per (kind, key).
CREATE TABLE api_resources (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
