namespace Emoty.Domain.Persistence;

/// <summary>
/// The sync feed's writers (migration 0010): a transaction that may change patterns, shares or
/// favourites joins them before its first statement, so the feed waits for it and for nothing
/// else. Triggers join single statements by themselves and refuse a transaction that wrote or
/// locked a row before joining.
/// </summary>
public static class FeedWriters
{
    /// <summary>SQL that joins; the first statement of a transaction that writes the feed.</summary>
    public const string JoinSql = "SELECT emoty_join_feed_writers()";

    internal static Task JoinAsync(UnitOfWork work, CancellationToken cancellationToken) =>
        work.ExecuteAsync(JoinSql, null, cancellationToken);
}
