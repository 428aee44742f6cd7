using System.ComponentModel;
using Emoty.Domain.Caching;
using Microsoft.Extensions.Caching.Hybrid;

namespace Emoty.Domain.Patterns;

/// <summary>A live pattern as every caller sees it, with the shares that decide who else may; one cache entry.</summary>
[ImmutableObject(true)]
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
/// Pattern reads through the two-level cache: in-process (L1) and Redis (L2) via HybridCache, which
/// also makes concurrent misses of one key share one database read. Writers call
/// <see cref="InvalidateAsync"/> after their commit.
/// </summary>
public sealed class PatternReadCache(HybridCache cache, CacheInvalidation invalidation, PatternStore store, CacheSettings settings)
{
    /// <summary>Above this many shares the entry keeps the first ones and others are looked up in PostgreSQL.</summary>
    internal const int MaxCachedShares = 100;

    private static readonly string[] Tags = [CacheKeys.AllTag];

    private readonly HybridCacheEntryOptions _cached = new() { Expiration = settings.Expiration, LocalCacheExpiration = settings.LocalExpiration };
    private readonly HybridCacheEntryOptions _uncached = new() { Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCache };

    public async Task<CachedPattern?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(
            CacheKeys.Pattern(id),
            (store, id),
            static (state, ct) => new ValueTask<CachedPattern?>(state.store.FindForCacheAsync(state.id, MaxCachedShares, ct)),
            await OptionsAsync(), Tags, cancellationToken);

    public async Task<bool> IsFavoritedAsync(Guid user, Guid pattern, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(
            CacheKeys.Favorite(user, pattern),
            (store, user, pattern),
            static (state, ct) => new ValueTask<bool>(state.store.IsFavoritedAsync(state.user, state.pattern, ct)),
            await OptionsAsync(), Tags, cancellationToken);

    /// <summary>After a commit, whatever the request's fate: a write that happened must never be hidden by an old entry.</summary>
    public Task InvalidateAsync(IEnumerable<Guid> patterns) =>
        invalidation.InvalidateAsync(patterns.Distinct().Select(CacheKeys.Pattern).ToArray());

    public Task InvalidateFavoriteAsync(Guid user, Guid pattern) =>
        invalidation.InvalidateAsync([CacheKeys.Pattern(pattern), CacheKeys.Favorite(user, pattern)]);

    private async ValueTask<HybridCacheEntryOptions> OptionsAsync() => await invalidation.ListeningAsync() ? _cached : _uncached;
}
