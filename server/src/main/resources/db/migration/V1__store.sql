-- Muse store, first version. Plain SQL that SQLite and PostgreSQL both accept.
-- Times are milliseconds since the epoch (BIGINT): the same type and ordering on both engines.
-- Ids are random URL-safe strings made by the application (prefix + 22 base64url characters).

CREATE TABLE api_keys (
    id            VARCHAR(40)  PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    -- The first characters of the secret, shown in listings so a person can tell keys apart.
    prefix        VARCHAR(20)  NOT NULL,
    -- SHA-256 of the whole secret, lower-case hex. The secret itself is never stored.
    secret_sha256 CHAR(64)     NOT NULL UNIQUE,
    created_at    BIGINT       NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_keys_by_prefix ON api_keys (prefix);

CREATE TABLE conversations (
    id           VARCHAR(40)  PRIMARY KEY,
    -- "local" in the no-key localhost mode, otherwise the id of the API key that created it.
    owner        VARCHAR(40)  NOT NULL,
    title        TEXT         NOT NULL,
    -- Lower-cased title for case-insensitive search (SQLite's lower() folds ASCII only).
    title_search TEXT         NOT NULL,
    model        TEXT,
    -- JSON object: system prompt, temperature, max tokens...
    settings     TEXT         NOT NULL,
    -- Ordinal the next message gets. Incrementing it row-locks the conversation, which keeps
    -- concurrent appends to one conversation in order on PostgreSQL.
    next_ordinal INTEGER      NOT NULL DEFAULT 0,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX conversations_by_owner ON conversations (owner, updated_at, id);

CREATE TABLE messages (
    id                VARCHAR(40) PRIMARY KEY,
    conversation_id   VARCHAR(40) NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ordinal           INTEGER     NOT NULL,
    role              VARCHAR(16) NOT NULL,
    -- JSON: a string, or an array of OpenAI content parts.
    content           TEXT        NOT NULL,
    -- Lower-cased plain text of the content, for search.
    content_search    TEXT        NOT NULL,
    -- 'incomplete' while an assistant reply streams (and forever, if the process died meanwhile).
    status            VARCHAR(16) NOT NULL,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    created_at        BIGINT      NOT NULL,
    updated_at        BIGINT      NOT NULL,
    UNIQUE (conversation_id, ordinal)
);

CREATE TABLE attachments (
    id         VARCHAR(40)  PRIMARY KEY,
    message_id VARCHAR(40)  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- Order within the message (first image, second image...).
    position   INTEGER      NOT NULL,
    kind       VARCHAR(16)  NOT NULL CHECK (kind IN ('image', 'audio')),
    mime_type  VARCHAR(255) NOT NULL,
    byte_size  BIGINT       NOT NULL CHECK (byte_size >= 0),
    sha256     CHAR(64)     NOT NULL,
    file_name  VARCHAR(255) NOT NULL,
    created_at BIGINT       NOT NULL,
    UNIQUE (message_id, position)
);
