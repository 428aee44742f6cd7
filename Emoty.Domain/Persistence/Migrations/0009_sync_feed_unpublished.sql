-- A favourited pattern that its owner makes private leaves its favouriters' feeds: one event each
-- (read as a delete, as they can no longer read it). From then on the feed's favourites branch
-- follows public patterns only, so the owner's later edits are not signalled to people who can no
-- longer see the pattern. Publishing it again is itself a change of the pattern, which the
-- favourites branch then delivers as an upsert.
CREATE OR REPLACE FUNCTION emoty_sync_feed_unpublished() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_feed_events (user_id, pattern_id, change)
    SELECT f.user_id, f.pattern_id, 'delete' FROM pattern_favorites f
    WHERE f.pattern_id = NEW.id AND f.user_id <> NEW.user_id
    ORDER BY 1;
    RETURN NULL;
END $$;
CREATE TRIGGER patterns_sync_unpublished AFTER UPDATE OF is_public ON patterns
    FOR EACH ROW WHEN (OLD.is_public AND NOT NEW.is_public) EXECUTE FUNCTION emoty_sync_feed_unpublished();
