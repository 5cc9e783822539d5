-- What an assistant reply did before it answered, as JSON (null: nothing): a contemplation's sub-agents' work
-- ({"agents": [{perspective, reasoning_content, content, ...}]}), and the steps of Muse's own tools it ran
-- ([{id, name, arguments, result, outputs: [{type, b64_json}]}]).
ALTER TABLE messages ADD COLUMN contemplation TEXT;
ALTER TABLE messages ADD COLUMN tool_steps TEXT;
-- A key whose chats have Muse's own tools unless a request says otherwise (muse keys create --tools).
ALTER TABLE api_keys ADD COLUMN muse_tools BOOLEAN NOT NULL DEFAULT FALSE;
