using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Emoty.Domain.Caching;

/// <summary>
/// HybridCache's second level: Redis through <see cref="RedisCache"/>, but a miss (or a skipped
/// write) at once while the shared connection is down, so an outage costs neither latency nor
/// errors; HybridCache then works from its first level and PostgreSQL. The connection's own
/// events log the outage once; a call that fails mid-flight is logged here at debug level.
/// </summary>
public sealed class RedisL2Cache(RedisConnection redis, CacheSettings settings, ILogger<RedisL2Cache> logger) : IDistributedCache
{
    private readonly RedisCache _redis = new(Options.Create(new RedisCacheOptions
    {
        ConnectionMultiplexerFactory = async () => await redis.GetAsync(),
        InstanceName = settings.KeyPrefix,
    }));

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        TryAsync(() => _redis.GetAsync(key, token), key);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        TryAsync(async () => { await _redis.SetAsync(key, value, options, token); return (byte[]?)null; }, key);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        TryAsync(async () => { await _redis.RefreshAsync(key, token); return (byte[]?)null; }, key);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        TryAsync(async () => { await _redis.RemoveAsync(key, token); return (byte[]?)null; }, key);

    private async Task<byte[]?> TryAsync(Func<Task<byte[]?>> call, string key)
    {
        if (!await redis.IsConnectedAsync())
        {
            return null;
        }

        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            logger.LogDebug(e, "Redis cache call for {Key} failed; treated as a miss", key);
            return null;
        }
    }
}
