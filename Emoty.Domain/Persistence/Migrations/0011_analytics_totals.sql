-- Analytics at a million patterns: per-pattern totals kept by the usage-events aggregation, and a
-- view that no longer stamps every row with the refresh time.
--
-- Before, each REFRESH … CONCURRENTLY rewrote every row (refreshed_at changed in all of them) and
-- added up every raw event ever stored. Now the refresh time lives in analytics_refresh, written in
-- the refresh's transaction; the view reads the running totals, so a refresh rewrites only the rows
-- whose figures changed; and raw events can be pruned once they no longer matter for de-duplication.

-- Who has ever caused an event on a pattern: unique users are the rows of a pattern here.
CREATE TABLE pattern_viewers (
    pattern_id     uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    viewer         text NOT NULL,
    first_seen_at  timestamptz NOT NULL,
    PRIMARY KEY (pattern_id, viewer)
);
INSERT INTO pattern_viewers (pattern_id, viewer, first_seen_at)
SELECT pattern_id, viewer, min(occurred_at) FROM pattern_usage_events GROUP BY pattern_id, viewer;

-- A pattern's figures since it was created, added to by every ingested event.
CREATE TABLE pattern_usage_totals (
    pattern_id     uuid PRIMARY KEY REFERENCES patterns (id) ON DELETE CASCADE,
    views          bigint NOT NULL DEFAULT 0,
    likes          bigint NOT NULL DEFAULT 0,
    shares         bigint NOT NULL DEFAULT 0,
    copies         bigint NOT NULL DEFAULT 0,
    downloads      bigint NOT NULL DEFAULT 0,
    edits          bigint NOT NULL DEFAULT 0,
    unique_users   bigint NOT NULL DEFAULT 0,
    last_event_at  timestamptz,
    CONSTRAINT pattern_usage_totals_non_negative CHECK (
        views >= 0 AND likes >= 0 AND shares >= 0 AND copies >= 0 AND downloads >= 0 AND edits >= 0 AND unique_users >= 0)
);
INSERT INTO pattern_usage_totals (pattern_id, views, likes, shares, copies, downloads, edits, unique_users, last_event_at)
SELECT s.pattern_id, sum(s.views), sum(s.likes), sum(s.shares), sum(s.copies), sum(s.downloads), sum(s.edits),
       (SELECT count(*) FROM pattern_viewers v WHERE v.pattern_id = s.pattern_id),
       (SELECT max(e.occurred_at) FROM pattern_usage_events e WHERE e.pattern_id = s.pattern_id)
FROM pattern_usage_stats s GROUP BY s.pattern_id;

-- When the view's figures were computed: one row, written in the refresh's transaction.
CREATE TABLE analytics_refresh (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    refreshed_at  timestamptz NOT NULL
);

-- One row per live pattern that has figures (events or collections); a pattern without a row has
-- none. No timestamp in the rows: a row whose figures did not change is not rewritten.
DROP MATERIALIZED VIEW pattern_analytics;
CREATE MATERIALIZED VIEW pattern_analytics AS
SELECT p.id                             AS pattern_id,
       p.user_id                        AS user_id,
       coalesce(t.views, 0)             AS views,
       coalesce(t.likes, 0)             AS likes,
       coalesce(t.shares, 0)            AS shares,
       coalesce(t.copies, 0)            AS copies,
       coalesce(t.downloads, 0)         AS downloads,
       coalesce(t.edits, 0)             AS edits,
       coalesce(t.unique_users, 0)      AS unique_users,
       coalesce(c.collection_count, 0)  AS collection_count,
       t.last_event_at                  AS last_event_at
FROM pattern_usage_totals t
FULL JOIN (
    SELECT pattern_id, count(*) AS collection_count FROM pattern_collection_items GROUP BY pattern_id
) c ON c.pattern_id = t.pattern_id
JOIN patterns p ON p.id = coalesce(t.pattern_id, c.pattern_id)
WHERE p.deleted_at IS NULL
WITH DATA;
CREATE UNIQUE INDEX pattern_analytics_pattern_key ON pattern_analytics (pattern_id);
CREATE INDEX pattern_analytics_user_idx ON pattern_analytics (user_id);
INSERT INTO analytics_refresh (refreshed_at) VALUES (now());
