-- A reasoning model's thought behind an assistant reply, kept apart from its content (null: none).
ALTER TABLE messages ADD COLUMN reasoning TEXT;
