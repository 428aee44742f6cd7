-- Offline sync, second part: what batch processing and its recovery need to know, and the feed
-- events that change which patterns a user's feed holds.

-- attempts: claims of the batch, so one that keeps failing ends as 'failed' instead of looping.
-- enqueued_at: when a queue message last named it; NULL while none was ever sent (the queue was
-- down at POST time), which is what the recovery sweep looks for.
ALTER TABLE sync_batches
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN enqueued_at timestamptz;
CREATE INDEX sync_batches_pending_idx ON sync_batches (received_at) WHERE status IN ('queued', 'processing');

-- A share granted, changed or revoked (by its owner, by the recipient, or by the expiry cleanup)
-- changes the recipient's feed: an upsert when it exists afterwards, a delete when it is gone.
-- Statement-level with transition tables, so the cleanup's 1000-row deletes write one INSERT each.
-- A recipient whose user row is being deleted gets no events (they would point at nobody).
CREATE OR REPLACE FUNCTION emoty_sync_share_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_feed_events (user_id, pattern_id, change)
        SELECT r.shared_with, r.pattern_id, 'delete' FROM removed r
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.shared_with)
        ORDER BY r.shared_with, r.pattern_id;
    ELSE
        INSERT INTO sync_feed_events (user_id, pattern_id, change)
        SELECT a.shared_with, a.pattern_id, 'upsert' FROM added a
        ORDER BY a.shared_with, a.pattern_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER pattern_shares_sync_insert AFTER INSERT ON pattern_shares
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_share_events();
CREATE TRIGGER pattern_shares_sync_update AFTER UPDATE ON pattern_shares
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_share_events();
CREATE TRIGGER pattern_shares_sync_delete AFTER DELETE ON pattern_shares
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_share_events();

-- A favourite added or removed changes the user's own feed the same way. Whether a removed
-- favourite becomes a tombstone is decided when the feed is read (the user may still own or
-- hold a share of the pattern).
CREATE OR REPLACE FUNCTION emoty_sync_favorite_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO sync_feed_events (user_id, pattern_id, change)
        SELECT r.user_id, r.pattern_id, 'delete' FROM removed r
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.user_id)
        ORDER BY r.user_id, r.pattern_id;
    ELSE
        INSERT INTO sync_feed_events (user_id, pattern_id, change)
        SELECT a.user_id, a.pattern_id, 'upsert' FROM added a
        ORDER BY a.user_id, a.pattern_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER pattern_favorites_sync_insert AFTER INSERT ON pattern_favorites
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_favorite_events();
CREATE TRIGGER pattern_favorites_sync_delete AFTER DELETE ON pattern_favorites
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_favorite_events();
