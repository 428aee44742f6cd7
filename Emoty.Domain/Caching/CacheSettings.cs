using Microsoft.Extensions.Configuration;

namespace Emoty.Domain.Caching;

/// <summary>
/// How long entries live in each level, and the prefix of every Redis key and channel of this app
/// (so that several apps may share one Redis, as the tests do, without reading each other's data).
/// </summary>
public sealed record CacheSettings
{
    public string KeyPrefix { get; init; } = "emoty:";

    /// <summary>Redis (L2) lifetime: the upper bound on staleness if an invalidation is ever lost.</summary>
    public TimeSpan Expiration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>In-process (L1) lifetime: bounds staleness across instances while Redis, and so the invalidation channel, is down.</summary>
    public TimeSpan LocalExpiration { get; init; } = TimeSpan.FromSeconds(30);

    public static CacheSettings From(IConfiguration configuration)
    {
        var settings = new CacheSettings();
        return settings with
        {
            KeyPrefix = string.IsNullOrWhiteSpace(configuration["Cache:KeyPrefix"]) ? settings.KeyPrefix : configuration["Cache:KeyPrefix"]!,
            Expiration = Seconds(configuration["Cache:ExpirationSeconds"]) ?? settings.Expiration,
            LocalExpiration = Seconds(configuration["Cache:LocalExpirationSeconds"]) ?? settings.LocalExpiration,
        };
    }

    private static TimeSpan? Seconds(string? value) =>
        int.TryParse(value, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
}
