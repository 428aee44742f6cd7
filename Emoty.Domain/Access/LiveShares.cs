namespace Emoty.Domain.Access;

/// <summary>
/// The one rule of a share's life (migration 0015): a share is live until its <c>expires_at</c>, a
/// link also until it is revoked. SQL reads the functions below instead of repeating the predicate.
/// </summary>
/// <remarks>
/// One clock decides everything stored: the database's <c>now()</c>. Every instance of the app shares
/// it, so a lease one worker takes and another checks, a share's expiry and the stamps rows get
/// (created_at, received_at) agree without any skew between instances. The cache therefore never
/// decides an expiry: an entry keeps only which shares expire, and a caller holding one is answered
/// from PostgreSQL (<see cref="Patterns.CachedPattern.ShareFor"/>). The app's <see cref="TimeProvider"/>
/// decides only what never meets a stored time: token lifetimes, rate-limit windows, signed cursors,
/// queue timeouts, and whether an input's time lies ahead (a new share's expires_at, an event's
/// occurred_at); metrics use it to measure. Tests move stored times in SQL to test expiry.
/// </remarks>
public static class LiveShares
{
    /// <summary>The live rows of pattern_shares, for a FROM clause.</summary>
    public const string Shares = "emoty_live_shares(now())";

    /// <summary>The live rows of pattern_share_links (not revoked, not expired), for a FROM clause.</summary>
    public const string Links = "emoty_live_share_links(now())";
}
