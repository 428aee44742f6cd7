using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Patterns;
using Npgsql;

namespace Emoty.Domain.Sync;

/// <summary>A position of the feed and the pattern there, as the caller sees it now (null when it no longer exists).</summary>
public sealed record FeedRow
{
    public required Guid PatternId { get; init; }
    public required string ChangeXid { get; init; }
    public required long ChangeSeq { get; init; }
    public PatternResource? Pattern { get; init; }

    public SyncCursor Cursor => new(ulong.Parse(ChangeXid, System.Globalization.CultureInfo.InvariantCulture), ChangeSeq);
}

/// <summary>
/// SQL of the changes feed. A user's feed is every change of a pattern they own, have favourited
/// (while it is public: migration 0009 tells favouriters when it stops being) or hold a live share of (patterns.change_xid/change_seq, stamped by trigger), plus the events that
/// change the set itself (sync_feed_events: a share granted, updated or revoked, a favourite added
/// or removed), ordered by (transaction id, sequence).
/// </summary>
/// <remarks>
/// Why the transaction id, and why the bound: sequence numbers are taken when a row is written,
/// not when it commits, so a reader can see change 11 committed while change 10 is still in flight
/// and would step past 10 for good. Each page therefore stops before the oldest transaction still
/// running among the feed's writers (<c>emoty_feed_horizon()</c>, migration 0010): every change
/// below that id has committed or never will, and every change still to come gets a larger id, so
/// nothing can ever land behind a cursor. The horizon is read in a statement of its own, before the
/// page, so that the page's snapshot sees everything the horizon let through. Only writers count:
/// a long transaction that writes no feed row (an analytics refresh, an export) holds nothing back.
/// </remarks>
/// <summary>A page of the feed, and the position through which its history had been pruned when it was read.</summary>
public sealed record FeedPage(List<FeedRow> Rows, SyncCursor PrunedThrough);

public sealed class SyncFeedStore(NpgsqlDataSource database)
{
    /// <summary>
    /// Each branch walks its own index in feed order and stops at @take rows; the page is the first
    /// @take of their union. The owned branch and the events use (user, xid, seq) B-trees; favourites
    /// and shares read the caller's rows by their user-first keys and the patterns by primary key.
    /// </summary>
    internal const string PageSql = $"""
        WITH changed AS (
            (SELECT p.id AS pattern_id, p.change_xid, p.change_seq FROM patterns p
              WHERE p.user_id = @caller AND (p.change_xid, p.change_seq) > (@xid::xid8, @seq)
                AND p.change_xid < @horizon::xid8
              ORDER BY p.change_xid, p.change_seq LIMIT @take)
            UNION ALL
            (SELECT p.id, p.change_xid, p.change_seq FROM pattern_favorites f JOIN patterns p ON p.id = f.pattern_id
              WHERE f.user_id = @caller AND p.user_id <> @caller AND p.is_public AND (p.change_xid, p.change_seq) > (@xid::xid8, @seq)
                AND p.change_xid < @horizon::xid8
              ORDER BY p.change_xid, p.change_seq LIMIT @take)
            UNION ALL
            (SELECT p.id, p.change_xid, p.change_seq FROM {LiveShares.Shares} s JOIN patterns p ON p.id = s.pattern_id
              WHERE s.shared_with = @caller
                AND (p.change_xid, p.change_seq) > (@xid::xid8, @seq) AND p.change_xid < @horizon::xid8
              ORDER BY p.change_xid, p.change_seq LIMIT @take)
            UNION ALL
            (SELECT e.pattern_id, e.change_xid, e.change_seq FROM sync_feed_events e
              WHERE e.user_id = @caller AND (e.change_xid, e.change_seq) > (@xid::xid8, @seq)
                AND e.change_xid < @horizon::xid8
              ORDER BY e.change_xid, e.change_seq LIMIT @take)
        ),
        page AS (SELECT pattern_id, change_xid, change_seq FROM changed ORDER BY change_xid, change_seq LIMIT @take)
        SELECT page.pattern_id, page.change_xid::text AS change_xid, page.change_seq, {PatternStore.ResourceColumns}
        FROM page LEFT JOIN patterns p ON p.id = page.pattern_id
        ORDER BY page.change_xid, page.change_seq
        """;

    // Read after the page, in a later snapshot: a prune the page saw is seen here too.
    private const string PrunedThroughSql = "SELECT pruned_through_xid::text AS xid, pruned_through_seq AS seq FROM sync_feed_retention";

    internal static object PageParameters(Guid caller, SyncCursor after, int take, string horizon) =>
        new { caller, xid = after.Xid.ToString(System.Globalization.CultureInfo.InvariantCulture), seq = after.Seq, take, horizon };

    /// <summary>
    /// Up to <paramref name="take"/> changes after <paramref name="after"/>, oldest first, and how far
    /// history has been pruned; null when events the cursor still needs have been pruned (the client
    /// must start again without one).
    /// </summary>
    public async Task<FeedPage?> ReadAsync(Guid caller, SyncCursor after, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var horizon = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT emoty_feed_horizon()::text", cancellationToken: cancellationToken));
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            PageSql + ";\n" + PrunedThroughSql, PageParameters(caller, after, take, horizon!), cancellationToken: cancellationToken));
        var rows = results.Read<FeedRow, PatternResource?, FeedRow>((row, pattern) => row with { Pattern = pattern }, splitOn: "id").AsList();
        var (prunedXid, prunedSeq) = await results.ReadSingleAsync<(string, long)>();
        var pruned = new SyncCursor(ulong.Parse(prunedXid, System.Globalization.CultureInfo.InvariantCulture), prunedSeq);
        return after.IsExpiredBy(pruned) ? null : new FeedPage(rows, pruned);
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> feed events older than <paramref name="olderThan"/> (by the database's clock)
    /// and moves the pruned-through position past them, in one short statement; returns how many.
    /// </summary>
    public async Task<int> PruneAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            WITH gone AS (
                DELETE FROM sync_feed_events WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM sync_feed_events WHERE created_at < now() - @olderThan ORDER BY created_at LIMIT @limit))
                RETURNING change_xid, change_seq
            ), last AS (
                SELECT change_xid, change_seq FROM gone ORDER BY change_xid DESC, change_seq DESC LIMIT 1
            ), moved AS (
                UPDATE sync_feed_retention r SET pruned_through_xid = l.change_xid, pruned_through_seq = l.change_seq, pruned_at = now()
                FROM last l WHERE (l.change_xid, l.change_seq) > (r.pruned_through_xid, r.pruned_through_seq)
                RETURNING 1
            )
            SELECT count(*)::int FROM gone
            """, new { olderThan, limit }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes the caller's expired shares now rather than at the next cleanup run, so that the
    /// revocation events their deletion writes reach the caller's feed on this very poll (an expired
    /// share already grants nothing; this only makes the tombstone prompt).
    /// </summary>
    public async Task ExpireSharesOfAsync(Guid caller, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM pattern_shares WHERE shared_with = @caller AND expires_at <= now()",
            new { caller }, cancellationToken: cancellationToken));
    }
}
