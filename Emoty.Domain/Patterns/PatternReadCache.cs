using Emoty.Domain.Caching;

namespace Emoty.Domain.Patterns;

/// <summary>A live pattern as every caller sees it, with the shares that decide who else may; one cache entry.</summary>
public sealed record CachedPattern(PatternResource Pattern, CachedShare[] Shares, bool HasAllShares)
{
    /// <summary>
    /// The caller's share, or not <c>Known</c> when only PostgreSQL can tell: the caller's share
    /// expires (the database's clock decides when, see <see cref="Access.LiveShares"/>), or the entry
    /// holds only the first shares of a much-shared pattern and the caller is not among them.
    /// </summary>
    public (string? Permission, bool Known) ShareFor(Guid? caller)
    {
        if (caller is not { } user || user == Pattern.UserId)
        {
            return (null, true);
        }

        foreach (var share in Shares)
        {
            if (share.UserId == user)
            {
                return share.Expires ? (null, false) : (share.Permission, true);
            }
        }

        return (null, HasAllShares);
    }
}

public sealed record CachedShare(Guid UserId, string Permission, bool Expires);

/// <summary>
/// Pattern reads through the two-level cache (<see cref="EmotyCache"/>), which also makes concurrent
/// misses of one key share one database read. Writers call <see cref="InvalidateAsync"/> after their commit.
/// </summary>
public sealed class PatternReadCache(EmotyCache cache, PatternStore store)
{
    /// <summary>Above this many shares the entry keeps the first ones and others are looked up in PostgreSQL.</summary>
    internal const int MaxCachedShares = 100;

    public async Task<CachedPattern?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync(CacheKeys.Pattern(id), CacheKeys.Pattern(id),
            ct => store.FindForCacheAsync(id, MaxCachedShares, ct), cancellationToken);

    /// <summary>Tagged with the pattern: a write of the pattern drops it too, so a favourite can never outlive its pattern's invalidation.</summary>
    public async Task<bool> IsFavoritedAsync(Guid user, Guid pattern, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync(CacheKeys.Favorite(user, pattern), CacheKeys.Pattern(pattern),
            ct => store.IsFavoritedAsync(user, pattern, ct), cancellationToken);

    /// <summary>After a commit, whatever the request's fate: a write that happened must never be hidden by an old entry.</summary>
    public Task InvalidateAsync(IEnumerable<Guid> patterns) =>
        Task.WhenAll(patterns.Distinct().Select(id => cache.InvalidateAsync(CacheKeys.Pattern(id), CacheKeys.Pattern(id))));

    public Task InvalidateFavoriteAsync(Guid user, Guid pattern) =>
        cache.InvalidateAsync(CacheKeys.Pattern(pattern), CacheKeys.Pattern(pattern), CacheKeys.Favorite(user, pattern));
}
