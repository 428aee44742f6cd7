namespace Emoty.Domain.Access;

/// <summary>
/// The one rule of a share's life (migration 0015): a share is live until its <c>expires_at</c>, a
/// link also until it is revoked. SQL reads the functions below instead of repeating the predicate,
/// and <see cref="IsLive"/> is the same rule for a share held in the cache.
/// </summary>
/// <remarks>
/// Two clocks still meet here. SQL passes <c>now()</c>, the database's clock, because the rule sits in
/// statements of every capability and a parameter would have to reach each of them; the cached path
/// decides with the app's <see cref="TimeProvider"/>, because it decides without a round trip. Both
/// are NTP-synchronised in Azure, so a share ends within that skew of its <c>expires_at</c> either
/// way; making the app's clock the only one means passing <c>@now</c> instead of <c>now()</c>.
/// </remarks>
public static class LiveShares
{
    /// <summary>The live rows of pattern_shares, for a FROM clause.</summary>
    public const string Shares = "emoty_live_shares(now())";

    /// <summary>The live rows of pattern_share_links (not revoked, not expired), for a FROM clause.</summary>
    public const string Links = "emoty_live_share_links(now())";

    /// <summary>The SQL functions' rule, for a share read earlier and held in the cache.</summary>
    public static bool IsLive(DateTime? expiresAt, DateTime now) => expiresAt is not { } expires || expires > now;
}
