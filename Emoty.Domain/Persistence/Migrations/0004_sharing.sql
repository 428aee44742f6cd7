-- Sharing a pattern with a user (view / edit / admin, optional expiry) and view-only share links.
CREATE TABLE pattern_shares (
    pattern_id   uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    shared_with  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission   text NOT NULL,
    shared_by    uuid NOT NULL REFERENCES users (id),
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pattern_id, shared_with),
    CONSTRAINT pattern_shares_permission_known CHECK (permission IN ('view', 'edit', 'admin'))
);
-- "Shared with me": the visibility branch of search and GET /api/me/shared.
CREATE INDEX pattern_shares_recipient_idx ON pattern_shares (shared_with, pattern_id) INCLUDE (permission, expires_at);
-- The cleanup timer's scan.
CREATE INDEX pattern_shares_expiry_idx ON pattern_shares (expires_at) WHERE expires_at IS NOT NULL;
CREATE TRIGGER pattern_shares_touch BEFORE UPDATE ON pattern_shares FOR EACH ROW EXECUTE FUNCTION emoty_touch_updated_at();

CREATE TABLE pattern_share_links (
    code         text PRIMARY KEY,
    pattern_id   uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    created_by   uuid NOT NULL REFERENCES users (id),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- 96 random bits or more, base64url: at least 16 characters of [A-Za-z0-9_-].
    CONSTRAINT pattern_share_links_code_format CHECK (code ~ '^[A-Za-z0-9_-]{16,64}$')
);
CREATE INDEX pattern_share_links_pattern_idx ON pattern_share_links (pattern_id);
CREATE INDEX pattern_share_links_expiry_idx ON pattern_share_links (expires_at) WHERE expires_at IS NOT NULL;
