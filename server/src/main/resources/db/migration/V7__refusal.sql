-- Why a reply was stopped by the server's safety screening (null: it was not): OpenAI's message.refusal.
ALTER TABLE messages ADD COLUMN refusal TEXT;
