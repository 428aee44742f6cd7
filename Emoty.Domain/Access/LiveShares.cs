namespace Emoty.Domain.Access;

/// <summary>
/// The one rule of a share's life (migration 0015), so SQL does not repeat the predicate. It reads the database's <c>now()</c>,
/// the one clock of everything stored: all instances share it, so leases, expiries and row stamps agree without skew. The cache
/// never decides an expiry (<see cref="Patterns.CachedPattern.ShareFor"/>); the app's <see cref="TimeProvider"/> decides only
/// what never meets a stored time (token lifetimes, rate-limit windows, cursors, queue timeouts, whether an input lies ahead).
/// </summary>
public static class LiveShares
{
    /// <summary>For a FROM clause: not expired.</summary>
    public const string Shares = "emoty_live_shares(now())";

    /// <summary>For a FROM clause: not revoked, not expired.</summary>
    public const string Links = "emoty_live_share_links(now())";
}
