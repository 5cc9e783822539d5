-- What the safety screening blocked, per key: when, at which stage (a person's message, or an answer as it streamed),
-- by which guard model, for which hazards. The blocked content itself is not kept.
CREATE TABLE moderation_audit (
    id              TEXT PRIMARY KEY,
    owner           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    stage           TEXT NOT NULL,
    guard_model     TEXT NOT NULL,
    hazards         TEXT NOT NULL,
    conversation_id TEXT
);
CREATE INDEX moderation_audit_by_owner ON moderation_audit (owner, created_at);
