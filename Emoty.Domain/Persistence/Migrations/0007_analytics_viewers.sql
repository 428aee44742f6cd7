-- Who caused an event: a signed-in user ('u:<uuid hex>') or an anonymous visitor ('a:<hash of the
-- client address>'). Views count at most once per viewer, pattern and 10 minutes, and unique
-- users include visitors, so both need the viewer of anonymous events too.
ALTER TABLE pattern_usage_events ADD COLUMN viewer text NOT NULL DEFAULT 'a:unknown';
ALTER TABLE pattern_usage_events ALTER COLUMN viewer DROP DEFAULT;
ALTER TABLE pattern_usage_events ADD CONSTRAINT pattern_usage_events_viewer_format
    CHECK (viewer ~ '^[ua]:[0-9a-z]{1,64}$');
-- The 10-minute view check and "first event of this viewer today" are index lookups.
CREATE INDEX pattern_usage_events_viewer_idx ON pattern_usage_events (pattern_id, viewer, occurred_at);

-- Unique users counts viewers (visitors included); otherwise as in 0005.
DROP MATERIALIZED VIEW pattern_analytics;
CREATE MATERIALIZED VIEW pattern_analytics AS
SELECT p.id                                         AS pattern_id,
       p.user_id                                    AS user_id,
       coalesce(s.views, 0)                         AS views,
       coalesce(s.likes, 0)                         AS likes,
       coalesce(s.shares, 0)                        AS shares,
       coalesce(s.copies, 0)                        AS copies,
       coalesce(s.downloads, 0)                     AS downloads,
       coalesce(s.edits, 0)                         AS edits,
       coalesce(u.unique_users, 0)                  AS unique_users,
       coalesce(c.collection_count, 0)              AS collection_count,
       u.last_event_at                              AS last_event_at,
       now()                                        AS refreshed_at
FROM patterns p
LEFT JOIN (
    SELECT pattern_id, sum(views)::bigint AS views, sum(likes)::bigint AS likes, sum(shares)::bigint AS shares,
           sum(copies)::bigint AS copies, sum(downloads)::bigint AS downloads, sum(edits)::bigint AS edits
    FROM pattern_usage_stats GROUP BY pattern_id
) s ON s.pattern_id = p.id
LEFT JOIN (
    SELECT pattern_id, count(DISTINCT viewer) AS unique_users, max(occurred_at) AS last_event_at
    FROM pattern_usage_events GROUP BY pattern_id
) u ON u.pattern_id = p.id
LEFT JOIN (
    SELECT pattern_id, count(*) AS collection_count FROM pattern_collection_items GROUP BY pattern_id
) c ON c.pattern_id = p.id
WHERE p.deleted_at IS NULL
WITH DATA;
CREATE UNIQUE INDEX pattern_analytics_pattern_key ON pattern_analytics (pattern_id);
CREATE INDEX pattern_analytics_user_idx ON pattern_analytics (user_id);
