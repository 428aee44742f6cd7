namespace Emoty.Domain.Persistence;

/// <summary>
/// A transaction that may change patterns, shares or favourites joins the feed's writers (migration 0010) before its first statement,
/// so the feed waits for it and for nothing else. Triggers refuse a transaction that wrote or locked a row before joining.
/// </summary>
public static class FeedWriters
{
    public const string JoinSql = "SELECT emoty_join_feed_writers()";

    internal static Task JoinAsync(UnitOfWork work, CancellationToken cancellationToken) =>
        work.ExecuteAsync(JoinSql, null, cancellationToken);
}
