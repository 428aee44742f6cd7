-- Usage analytics: raw events (idempotent by event_id), daily rollups, and the materialized view
-- the read endpoints use, refreshed CONCURRENTLY by a timer.
CREATE TABLE pattern_usage_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid NOT NULL,
    pattern_id   uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    event_type   text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pattern_usage_events_type_known CHECK (event_type IN ('view', 'like', 'share', 'copy', 'download', 'edit')),
    CONSTRAINT pattern_usage_events_event_id_key UNIQUE (event_id)
);
CREATE INDEX pattern_usage_events_pattern_idx ON pattern_usage_events (pattern_id, occurred_at);
CREATE INDEX pattern_usage_events_user_idx ON pattern_usage_events (user_id, occurred_at) WHERE user_id IS NOT NULL;
CREATE INDEX pattern_usage_events_recent_idx ON pattern_usage_events (occurred_at);

-- One row per pattern and day: what the events added up to.
CREATE TABLE pattern_usage_stats (
    pattern_id     uuid NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    day            date NOT NULL,
    views          integer NOT NULL DEFAULT 0,
    likes          integer NOT NULL DEFAULT 0,
    shares         integer NOT NULL DEFAULT 0,
    copies         integer NOT NULL DEFAULT 0,
    downloads      integer NOT NULL DEFAULT 0,
    edits          integer NOT NULL DEFAULT 0,
    unique_users   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (pattern_id, day),
    CONSTRAINT pattern_usage_stats_non_negative CHECK (
        views >= 0 AND likes >= 0 AND shares >= 0 AND copies >= 0 AND downloads >= 0 AND edits >= 0 AND unique_users >= 0)
);
CREATE INDEX pattern_usage_stats_day_idx ON pattern_usage_stats (day);

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
    SELECT pattern_id, count(DISTINCT user_id) AS unique_users, max(occurred_at) AS last_event_at
    FROM pattern_usage_events GROUP BY pattern_id
) u ON u.pattern_id = p.id
LEFT JOIN (
    SELECT pattern_id, count(*) AS collection_count FROM pattern_collection_items GROUP BY pattern_id
) c ON c.pattern_id = p.id
WHERE p.deleted_at IS NULL
WITH DATA;
-- REFRESH MATERIALIZED VIEW CONCURRENTLY needs a unique index without a WHERE clause.
CREATE UNIQUE INDEX pattern_analytics_pattern_key ON pattern_analytics (pattern_id);
CREATE INDEX pattern_analytics_user_idx ON pattern_analytics (user_id);
