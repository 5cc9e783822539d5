-- A key whose generated text carries the installation's text watermark (muse keys create --text-watermark).
ALTER TABLE api_keys ADD COLUMN text_watermark BOOLEAN NOT NULL DEFAULT FALSE;
