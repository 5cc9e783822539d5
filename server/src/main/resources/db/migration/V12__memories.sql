-- What the assistant remembers about the person, per key: short facts the person can see, edit and delete, each with
-- its embedding (little-endian float32, base64) to find the ones relevant to a message; and whether memory is on for
-- the key (no row: on).
CREATE TABLE memories (
    id         VARCHAR(40)  PRIMARY KEY,
    owner      VARCHAR(40)  NOT NULL,
    text       TEXT         NOT NULL,
    vector     TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);
CREATE INDEX memories_by_owner ON memories (owner, created_at);

CREATE TABLE memory_settings (
    owner   VARCHAR(40) PRIMARY KEY,
    enabled BOOLEAN     NOT NULL
);
