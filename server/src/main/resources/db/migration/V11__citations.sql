-- The passages of the person's documents a grounded reply was given to cite, as JSON ([{index, document, page, ...}];
-- null: not grounded), so a reloaded conversation can still follow each [n] to its passage.
ALTER TABLE messages ADD COLUMN citations TEXT;
