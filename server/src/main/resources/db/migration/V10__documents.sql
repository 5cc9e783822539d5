-- People's documents for grounded answers: each uploaded file's text, cut into passages with the page and heading they
-- stand under, and each passage's embedding (little-endian float32, base64: the same TEXT on SQLite and PostgreSQL),
-- owned by the key that uploaded it and grouped into named collections. A document is 'processing' until every passage
-- has its vector ('ready'), or 'failed' with the reason; deleting it deletes its passages.
CREATE TABLE documents (
    id           VARCHAR(40)  PRIMARY KEY,
    owner        VARCHAR(40)  NOT NULL,
    collection   VARCHAR(200) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    title        TEXT         NOT NULL,
    format       VARCHAR(16)  NOT NULL,
    byte_size    BIGINT       NOT NULL,
    pages        INTEGER      NOT NULL,
    embedder     VARCHAR(200) NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    chunks_total INTEGER      NOT NULL,
    chunks_done  INTEGER      NOT NULL,
    error        TEXT,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX documents_by_owner ON documents (owner, collection, created_at);

CREATE TABLE document_chunks (
    document_id VARCHAR(40) NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ordinal     INTEGER     NOT NULL,
    page        INTEGER     NOT NULL,
    heading     TEXT,
    text        TEXT        NOT NULL,
    vector      TEXT,
    PRIMARY KEY (document_id, ordinal)
);
