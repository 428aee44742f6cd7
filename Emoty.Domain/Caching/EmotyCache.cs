using Emoty.Domain.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Emoty.Domain.Caching;

/// <summary>
/// The app's cache: FusionCache with L1 in this process, L2 in Redis and Redis pub/sub as the backplane
/// that drops other instances' L1 copies, all on the process's one multiplexer. Services read through
/// <see cref="GetOrSetAsync"/> and drop entries after a commit with <see cref="InvalidateAsync"/>; both
/// finish their Redis work before they return. The one thing that runs later is FusionCache's
/// auto-recovery: what an invalidation could not send while Redis was away, it sends when Redis answers.
/// Services get this class rather than <c>IFusionCache</c> (or a HybridCache facade) because what every
/// caller must do alike lives here: the Redis-down bypass, the tag on every entry, tag and key dropped together.
/// </summary>
public sealed class EmotyCache : IDisposable
{
    // How long past its lifetime an entry may still answer for PostgreSQL while PostgreSQL fails (fail-safe),
    // and how long such an answer stands before PostgreSQL is tried again for that entry.
    private static readonly TimeSpan FailSafeWindow = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan FailSafeThrottle = TimeSpan.FromSeconds(10);

    // The bound of L1 is a count of entries, not bytes: every entry (and every tag's timestamp) has Size 1.
    // A pattern with its shares is the big one, about 15 KB of JSON on average (the backup export's figures).
    private const long MemoryEntries = 10_000;

    private readonly FusionCache _cache;
    private readonly RedisConnection _redis;
    private readonly ILogger<EmotyCache> _logger;
    // A removal's Redis write and its message are awaited, never left running (tag timestamps are written so
    // by FusionCache's defaults for them). What bounds them is the multiplexer: a second per command, failure at
    // once while it is disconnected (RedisConnection); FusionCache's own timeouts apply to reads only.
    private readonly FusionCacheEntryOptions _removal = new()
    {
        AllowBackgroundDistributedCacheOperations = false,
        AllowBackgroundBackplaneOperations = false,
    };

    private readonly FusionCacheEntryOptions _forgetHere;

    public EmotyCache(CacheSettings settings, RedisConnection redis, ILoggerFactory logs)
    {
        _redis = redis;
        _logger = logs.CreateLogger<EmotyCache>();
        var entries = EntryOptions(settings.Expiration, settings.LocalExpiration);
        var options = new FusionCacheOptions
        {
            DefaultEntryOptions = entries,
            // Redis keys are exactly <prefix><key>, as operators and the tests look for them, rather than
            // carrying FusionCache's wire-format version: a release that changes that format needs a new prefix.
            DistributedCacheKeyModifierMode = CacheKeyModifierMode.None,
            BackplaneChannelPrefix = settings.KeyPrefix + "cache",
            // L1 may answer only while this instance hears the other instances' invalidations: from the first read on.
            WaitForInitialBackplaneSubscribe = true,
            // Handlers only add to counters; run inline, they leave no task behind the read.
            EnableSyncEventHandlersExecution = true,
            // Its advice runs on a timer after construction; this configuration is explained here instead.
            EnableBestPracticesAdvisor = false,
            // Invalidations that fail while Redis is away are queued and sent again once it answers.
            EnableAutoRecovery = true,
        };

        // A tag's timestamp (RemoveByTagAsync) must outlive every entry created before it, in Redis with
        // its fail-safe time included. Its L1 copy is re-read from Redis as often as an entry's is, and it
        // counts against L1's bound (FusionCache's default, size 0 and never evicted, lets one tag per
        // pattern grow L1 without bound); evicted, it is read from Redis again.
        var tags = options.TagsDefaultEntryOptions;
        tags.Duration = entries.Duration + entries.FailSafeMaxDuration;
        tags.DistributedCacheDuration = tags.Duration;
        tags.FailSafeMaxDuration = tags.Duration;
        tags.MemoryCacheDuration = settings.LocalExpiration;
        tags.Size = 1;
        tags.Priority = CacheItemPriority.Normal;
        _forgetHere = tags.Duplicate().SetSkipDistributedCacheWrite(true, skipBackplaneNotifications: true);

        _cache = new FusionCache(options, new MemoryCache(new MemoryCacheOptions { SizeLimit = MemoryEntries }), logs.CreateLogger<FusionCache>());
        _cache.SetupDistributedCache(
            new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = async () => await redis.GetAsync(),
                InstanceName = settings.KeyPrefix,
            })),
            new FusionCacheSystemTextJsonSerializer(CacheJsonContext.Default.Options));
        _cache.SetupBackplane(new RedisBackplane(
            new RedisBackplaneOptions { ConnectionMultiplexerFactory = async () => await redis.GetAsync() },
            logs.CreateLogger<RedisBackplane>()));
        CacheMetrics.Attach(_cache);
        redis.Restored += ForgetEarlierEntries;
    }

    /// <summary>
    /// How the app caches an entry: <paramref name="expiration"/> in Redis (the bound on staleness should
    /// an invalidation be lost), <paramref name="localExpiration"/> in L1, then kept <see cref="FailSafeWindow"/>
    /// longer to answer while PostgreSQL fails.
    /// </summary>
    public static FusionCacheEntryOptions EntryOptions(TimeSpan expiration, TimeSpan localExpiration) => new()
    {
        Duration = expiration,
        MemoryCacheDuration = localExpiration,
        Size = 1,
        IsFailSafeEnabled = true,
        FailSafeMaxDuration = expiration + FailSafeWindow,
        FailSafeThrottleDuration = FailSafeThrottle,
        // Writing the entry to Redis is part of the read that loaded it, not a task left running after it.
        AllowBackgroundDistributedCacheOperations = false,
        // A read that fills the cache tells no one: only writes change what is cached, and they invalidate.
        SkipBackplaneNotifications = true,
        // An entry of an older shape in Redis (after a deploy) is a miss, not a failed request.
        ReThrowSerializationExceptions = false,
    };

    /// <summary>
    /// The entry under <paramref name="key"/>, loaded by <paramref name="load"/> when neither level has it,
    /// and tagged <paramref name="tag"/>; cached as <see cref="CacheSettings"/> say unless <paramref name="options"/>
    /// (from <see cref="EntryOptions"/>) say otherwise. While Redis is down this instance cannot hear invalidations, so
    /// neither level may answer: PostgreSQL does (called directly, so reads of one key do not queue on
    /// FusionCache's per-key lock for a result that is not kept).
    /// </summary>
    public async ValueTask<T> GetOrSetAsync<T>(
        string key, string tag, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken, FusionCacheEntryOptions? options = null)
    {
        if (!await _redis.IsConnectedAsync())
        {
            return await LoadAsync(load, cancellationToken);
        }

        return await _cache.GetOrSetAsync<T>(key, ct => LoadAsync(load, ct), options, [tag], cancellationToken);
    }

    /// <summary>
    /// After a commit, whatever the request's fate: entries tagged <paramref name="tag"/> and the entries
    /// under <paramref name="keys"/> go, here, in Redis and in every other instance's L1. The tag is what
    /// stops a read that loaded the old row just before the commit and stores it just after: an entry carries
    /// the time its load started, and one older than its tag's last invalidation is not served (removing the
    /// key alone cannot stop that read). Removing the keys frees their memory and leaves no old entry for
    /// fail-safe to fall back on. It never fails the write: FusionCache logs what Redis refused and queues it.
    /// </summary>
    public async Task InvalidateAsync(string tag, params string[] keys)
    {
        try
        {
            await Task.WhenAll(keys.Select(key => _cache.RemoveAsync(key, _removal).AsTask()).Append(_cache.RemoveByTagAsync(tag).AsTask()));
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Invalidating the cache entries of {Tag} failed", tag);
        }
    }

    public void Dispose() => _cache.Dispose();

    private static Task<T> LoadAsync<T>(Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        EmotyMetrics.RecordCacheDatabaseRead();
        return load(cancellationToken);
    }

    /// <summary>
    /// Back from an outage: entries from before now may have missed invalidations this instance could not
    /// hear, and Redis may hold entries that other instances' invalidations, still queued for auto-recovery,
    /// have not reached yet. So this instance stops trusting every entry older than now, in L1 and in Redis
    /// (a Clear kept local: no Redis write, no message; every instance does the same when its own connection
    /// returns). Unlike emptying the MemoryCache, this keeps L1's tag timestamps, which auto-recovery re-sends from.
    /// </summary>
    private void ForgetEarlierEntries()
    {
        _cache.Clear(allowFailSafe: false, _forgetHere);
        _logger.LogInformation("Cache entries from before the Redis outage are no longer served: invalidations may have been missed meanwhile");
    }
}
