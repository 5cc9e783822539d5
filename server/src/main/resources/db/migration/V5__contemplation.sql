-- A contemplating reply's sub-agents' work (JSON: {"agents": [{perspective, reasoning_content, content, ...}]}; null: none).
ALTER TABLE messages ADD COLUMN contemplation TEXT;
