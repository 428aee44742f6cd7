-- The one rule of a share's life: a share (or a link, also not revoked) is live until its
-- expires_at, at the time given. Every statement that asks whether a caller holds a live share
-- reads these instead of repeating the predicate (it was written nine times in six files).
-- LANGUAGE sql, STABLE, one SELECT and not STRICT: the planner inlines a call as the table with its
-- WHERE, so the table's indexes serve it as before. The time is a parameter so that the clock that
-- decides is the caller's: today every call passes now(), the database's clock
-- (Access/LiveShares.cs says why, and what decides in C#).
CREATE FUNCTION emoty_live_shares(at timestamptz) RETURNS SETOF pattern_shares
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT * FROM pattern_shares WHERE expires_at IS NULL OR expires_at > at
$$;

CREATE FUNCTION emoty_live_share_links(at timestamptz) RETURNS SETOF pattern_share_links
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT * FROM pattern_share_links WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > at)
$$;
