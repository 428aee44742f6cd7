-- Extensions, helper functions and the users table (the web app's shape).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Stamps updated_at on every UPDATE that does not set it explicitly.
CREATE OR REPLACE FUNCTION emoty_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text,
    username      text,
    full_name     text,
    avatar_url    text,
    user_level    text NOT NULL DEFAULT 'beginner',
    preferences   jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_length CHECK (email IS NULL OR char_length(email) BETWEEN 3 AND 320),
    CONSTRAINT users_username_length CHECK (username IS NULL OR char_length(username) BETWEEN 1 AND 50),
    CONSTRAINT users_full_name_length CHECK (full_name IS NULL OR char_length(full_name) <= 200),
    CONSTRAINT users_avatar_url_length CHECK (avatar_url IS NULL OR char_length(avatar_url) <= 2048),
    CONSTRAINT users_user_level_known CHECK (user_level IN ('beginner', 'intermediate', 'advanced', 'expert')),
    CONSTRAINT users_preferences_object CHECK (jsonb_typeof(preferences) = 'object')
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE username IS NOT NULL;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION emoty_touch_updated_at();
