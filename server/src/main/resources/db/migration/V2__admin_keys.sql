-- An admin key may also do what concerns the whole server, not only its own data: unload a model.
ALTER TABLE api_keys ADD COLUMN admin BOOLEAN NOT NULL DEFAULT FALSE;
