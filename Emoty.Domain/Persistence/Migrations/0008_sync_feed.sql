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
-- changes the recipient's feed, and a favourite added or removed changes its user's feed: an
-- upsert when the row exists afterwards, a delete when it is gone (whether a removed favourite
-- really leaves the feed is decided when the feed is read: the user may still own or hold a share
-- of the pattern). One function serves both tables; TG_ARGV[0] names the column holding the user.
-- Statement-level with transition tables, so the cleanup's 1000-row deletes write one INSERT each.
-- A user whose row is being deleted gets no events (they would point at nobody).
CREATE OR REPLACE FUNCTION emoty_sync_feed_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO sync_feed_events (user_id, pattern_id, change)
        SELECT t.%1$I, t.pattern_id, %2$L FROM %3$I t
        WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = t.%1$I)
        ORDER BY 1, 2
        $sql$,
        TG_ARGV[0],
        CASE TG_OP WHEN 'DELETE' THEN 'delete' ELSE 'upsert' END,
        CASE TG_OP WHEN 'DELETE' THEN 'removed' ELSE 'added' END);
    RETURN NULL;
END $$;
CREATE TRIGGER pattern_shares_sync_insert AFTER INSERT ON pattern_shares
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_feed_events('shared_with');
CREATE TRIGGER pattern_shares_sync_update AFTER UPDATE ON pattern_shares
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_feed_events('shared_with');
CREATE TRIGGER pattern_shares_sync_delete AFTER DELETE ON pattern_shares
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_feed_events('shared_with');
CREATE TRIGGER pattern_favorites_sync_insert AFTER INSERT ON pattern_favorites
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_feed_events('user_id');
CREATE TRIGGER pattern_favorites_sync_delete AFTER DELETE ON pattern_favorites
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION emoty_sync_feed_events('user_id');
