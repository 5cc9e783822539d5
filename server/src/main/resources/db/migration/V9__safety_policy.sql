-- A key's safety policy: what the screening does with each hazard (S6=flag,S13=off; null: block every one), and
-- whether an audit entry was a block or only a flag.
ALTER TABLE api_keys ADD COLUMN safety_policy TEXT;
ALTER TABLE moderation_audit ADD COLUMN action TEXT NOT NULL DEFAULT 'blocked';
