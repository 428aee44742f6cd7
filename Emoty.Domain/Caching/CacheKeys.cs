namespace Emoty.Domain.Caching;

/// <summary>
/// Every cache key and tag of the app, in one place. Redis adds <see cref="CacheSettings.KeyPrefix"/> in front.
/// A tag is named after the key of the entry it invalidates: a pattern's tag covers the pattern's
/// entry and every user's favourite flag of it.
/// </summary>
public static class CacheKeys
{
    public static string Pattern(Guid id) => $"pattern:{id:N}";

    public static string Favorite(Guid user, Guid pattern) => $"favorite:{user:N}:{pattern:N}";

    public const string PlatformAnalytics = "analytics:platform";
}
