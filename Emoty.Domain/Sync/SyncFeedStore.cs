using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Patterns;
using Npgsql;

namespace Emoty.Domain.Sync;

/// <summary>The pattern is as the caller sees it now; null when it no longer exists.</summary>
public sealed record FeedRow
{
    public required Guid PatternId { get; init; }
    public required string ChangeXid { get; init; }
    public required long ChangeSeq { get; init; }
    public PatternResource? Pattern { get; init; }

    public SyncCursor Cursor => new(ulong.Parse(ChangeXid, System.Globalization.CultureInfo.InvariantCulture), ChangeSeq);
}

public sealed record FeedPage(List<FeedRow> Rows, SyncCursor PrunedThrough);

/// <summary>
/// A user's feed: changes of the patterns they own, favourited (while public) or hold a live share of, plus
/// sync_feed_events (a share or favourite added or removed), in (transaction id, sequence) order.
/// </summary>
/// <remarks>
/// Sequence numbers are taken when a row is written, not when it commits, so a reader could see change 11 while 10 is in flight
/// and step past 10 for good. So each page stops before the oldest running feed writer (<c>emoty_feed_horizon()</c>, migration 0010),
/// read in a statement of its own so that the page's snapshot sees all it let through. Transactions that write no feed row hold nothing back.
/// </remarks>
public sealed class SyncFeedStore(NpgsqlDataSource database)
{
    /// <summary>
    /// Each branch walks its own index in feed order and stops at @take rows. Owned patterns and events use (user, xid, seq) B-trees;
    /// favourites and shares read the caller's rows by their user-first keys and the patterns by primary key.
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

    /// <summary>Null when events the cursor still needs have been pruned: the client must start again without one.</summary>
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

    /// <summary>One short statement that also moves the pruned-through position past what it deleted.</summary>
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

    /// <summary>Now rather than at the next cleanup run, so that the revocation events reach this very poll (an expired share already grants nothing).</summary>
    public async Task ExpireSharesOfAsync(Guid caller, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM pattern_shares WHERE shared_with = @caller AND expires_at <= now()",
            new { caller }, cancellationToken: cancellationToken));
    }
}
