-- The sync feed is bounded by the transactions that can write it, not by every transaction.
--
-- A feed position is (transaction id, sequence), and a page may only pass a transaction id once
-- nothing below it can still commit (see SyncFeedStore). Until now the bound was the oldest
-- transaction running anywhere, so an analytics refresh or any long transaction held every
-- client's pull back for as long as it ran. Now the transactions that change patterns, shares or
-- favourites first join the "feed writers" (shared advisory lock 71002003, taken before they have a
-- transaction id), and the bound is the oldest transaction id among those writers.

-- Joining is idempotent within a transaction. A transaction that already has an id when it joins
-- (it wrote something, or locked a row, first) could hold a change below a bound that a reader has
-- already passed, so that is an error rather than a silent gap: such code must join first.
CREATE OR REPLACE FUNCTION emoty_join_feed_writers() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('emoty.feed_writer', true) = 'on' THEN
        RETURN;
    END IF;
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'a transaction that changes the sync feed must join its writers before its first write'
            USING HINT = 'SELECT emoty_join_feed_writers() first in the transaction';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(71002003);
    PERFORM set_config('emoty.feed_writer', 'on', true);
END $$;

-- The oldest transaction id a feed page must not pass: the oldest among this database's writers
-- holding the lock, or else the snapshot's xmax (one past the newest finished transaction). xmax is
-- read before the locks, so a writer that gets its id in between gets one at or above it. Callers
-- read the page in a later statement (a newer snapshot): every writer below the bound had
-- committed or aborted by then, and rows below it can no longer appear.
CREATE OR REPLACE FUNCTION emoty_feed_horizon() RETURNS xid8
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    next_xid xid8 := pg_snapshot_xmax(pg_current_snapshot());
    next_value bigint := next_xid::text::bigint;
    oldest bigint;
BEGIN
    -- pg_locks shows 32-bit transaction ids. One below next_xid is at most 2^31 below it; one at or
    -- above it (assigned after the snapshot) cannot lower the bound and is left out.
    SELECT min(next_value - behind)
      INTO oldest
      FROM (SELECT ((next_value - t.transactionid::text::bigint) % 4294967296 + 4294967296) % 4294967296 AS behind
              FROM pg_locks w
              JOIN pg_locks t ON t.pid = w.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
             WHERE w.locktype = 'advisory' AND w.classid = '0'::oid AND w.objid = '71002003'::oid AND w.objsubid = 1 AND w.granted
               AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())) writers
     WHERE behind BETWEEN 1 AND 2147483647;
    RETURN coalesce(least(oldest::text::xid8, next_xid), next_xid);
END $$;

CREATE OR REPLACE FUNCTION emoty_feed_writer_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM emoty_join_feed_writers();
    RETURN NULL;
END $$;

-- Before the first row of a statement is read or written: a row lock (which every UPDATE and
-- DELETE takes, before its row triggers run) gives the transaction its id. So a single statement
-- joins by itself; new patterns then take their position from the change_xid default.
CREATE TRIGGER patterns_feed_writer BEFORE INSERT OR UPDATE ON patterns
    FOR EACH STATEMENT EXECUTE FUNCTION emoty_feed_writer_statement();
CREATE TRIGGER pattern_shares_feed_writer BEFORE INSERT OR UPDATE OR DELETE ON pattern_shares
    FOR EACH STATEMENT EXECUTE FUNCTION emoty_feed_writer_statement();
CREATE TRIGGER pattern_favorites_feed_writer BEFORE INSERT OR DELETE ON pattern_favorites
    FOR EACH STATEMENT EXECUTE FUNCTION emoty_feed_writer_statement();

-- Retention: feed events older than the retention are pruned, and this row remembers the last
-- position pruned. A cursor before it may have missed a pruned event: the client resyncs (410).
CREATE TABLE sync_feed_retention (
    singleton           boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through_xid  xid8 NOT NULL DEFAULT '0',
    pruned_through_seq  bigint NOT NULL DEFAULT 0,
    pruned_at           timestamptz
);
INSERT INTO sync_feed_retention DEFAULT VALUES;
CREATE INDEX sync_feed_events_created_idx ON sync_feed_events (created_at);
