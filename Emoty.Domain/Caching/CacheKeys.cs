namespace Emoty.Domain.Caching;

/// <summary>
/// Every cache key and tag of the app, in one place. Redis adds <see cref="CacheSettings.KeyPrefix"/> in front.
/// A tag is named after the key of the entry it invalidates: a pattern's tag covers the pattern's
/// entry and every user's favourite flag of it.
/// </summary>
public static class CacheKeys
{
    // The shape of what is cached, in every key: bumped when a cached type's JSON or FusionCache's entry
    // changes, so that instances of a new deploy never read an entry an older one wrote. (2: FusionCache's
    // entries, and shares cached as "expires or not" instead of their expiry.)
    private const string Shape = "2";

    public static string Pattern(Guid id) => $"pattern.{Shape}:{id:N}";

    public static string Favorite(Guid user, Guid pattern) => $"favorite.{Shape}:{user:N}:{pattern:N}";

    public const string PlatformAnalytics = $"analytics.{Shape}:platform";
}
