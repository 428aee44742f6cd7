namespace Emoty.Domain.Caching;

/// <summary>Every cache key of the app, in one place. Redis adds <see cref="CacheSettings.KeyPrefix"/> in front.</summary>
public static class CacheKeys
{
    /// <summary>Tag on every entry, so that all of this instance's L1 can be dropped at once.</summary>
    public const string AllTag = "all";

    public static string Pattern(Guid id) => $"pattern:{id:N}";

    public static string Favorite(Guid user, Guid pattern) => $"favorite:{user:N}:{pattern:N}";

    public const string PlatformAnalytics = "analytics:platform";
}
