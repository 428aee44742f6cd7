using ZiggyCreatures.Caching.Fusion;

namespace Emoty.Domain.Telemetry;

/// <summary>
/// Turns FusionCache's events into <see cref="EmotyMetrics"/> lookups per level, which no wrapper around
/// the cache could see (L1 sits inside it). FusionCache reads L1 twice on a miss (before and after its
/// per-key lock), so an L1 miss is counted where it shows once: as the Redis read that follows it.
/// An entry found past its lifetime (kept for fail-safe) is a miss. Tag timestamps are entries of
/// FusionCache's own, read through the same levels: they are not the app's lookups.
/// </summary>
internal static class CacheMetrics
{
    public static void Attach(IFusionCache cache)
    {
        cache.Events.Memory.Hit += (_, e) =>
        {
            if (!e.IsStale && IsApps(e.Key))
            {
                EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Memory, hit: true);
            }
        };
        cache.Events.Distributed.Hit += (_, e) => RecordRedisRead(e.Key, hit: !e.IsStale);
        cache.Events.Distributed.Miss += (_, e) => RecordRedisRead(e.Key, hit: false);
    }

    private static void RecordRedisRead(string key, bool hit)
    {
        if (IsApps(key))
        {
            EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Memory, hit: false);
            EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Redis, hit);
        }
    }

    private static bool IsApps(string key) => !key.StartsWith(FusionCacheInternalStrings.DefaultTagCacheKeyPrefix, StringComparison.Ordinal);
}
