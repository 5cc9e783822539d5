-- How many of the conversation's oldest messages a reply was answered without, to fit the model's context.
ALTER TABLE messages ADD COLUMN left_out_messages INTEGER;
