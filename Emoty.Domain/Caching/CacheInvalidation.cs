using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Emoty.Domain.Caching;

/// <summary>
/// Drops entries after a write, everywhere: here (L1 and Redis) at once, in every other instance's
/// L1 through a Redis channel, and once more a moment later, so that a reader that loaded the old
/// row just before the commit cannot leave it behind. It never fails the write that called it and
/// ignores the request's cancellation (the write is committed; its entries must go). What could not
/// reach Redis (this instance's connection down) is kept and sent when the connection returns,
/// together with a "drop everything" to every instance, since any of them may have missed messages;
/// meanwhile instances that cannot hear invalidations read PostgreSQL (<see cref="ListeningAsync"/>).
/// </summary>
public sealed class CacheInvalidation
{
    private const string DropAll = "*";
    private static readonly TimeSpan SecondPass = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResubscribeEvery = TimeSpan.FromSeconds(5);

    private readonly HybridCache _cache;
    private readonly RedisConnection _redis;
    private readonly ILogger<CacheInvalidation> _logger;
    private readonly RedisChannel _channel;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _unsent = new(StringComparer.Ordinal);
    private volatile bool _subscribed;
    private long _nextAttemptTicks;

    public CacheInvalidation(HybridCache cache, RedisConnection redis, CacheSettings settings, ILogger<CacheInvalidation> logger)
    {
        _cache = cache;
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(settings.KeyPrefix + "invalidate");
        redis.Restored += () => _ = AfterOutageAsync();
    }

    /// <summary>
    /// Whether this instance hears other instances' invalidations right now. Only then may its L1 be
    /// read: while it is deaf (Redis down), reads go to PostgreSQL rather than risk a revoked share
    /// or an old version surviving in memory.
    /// </summary>
    public async ValueTask<bool> ListeningAsync()
    {
        if (!_subscribed)
        {
            await SubscribeAsync();
        }

        return _subscribed && await _redis.IsConnectedAsync();
    }

    public async Task InvalidateAsync(IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await RemoveEverywhereAsync(keys);
        _ = Task.Run(async () =>
        {
            await Task.Delay(SecondPass);
            await RemoveEverywhereAsync(keys);
        });
    }

    private async Task RemoveEverywhereAsync(IReadOnlyCollection<string> keys)
    {
        try
        {
            // Locally first: that needs no Redis. Redis and the other instances follow.
            await _cache.RemoveAsync(keys, CancellationToken.None);
            if (await _redis.IsConnectedAsync())
            {
                var subscriber = (await _redis.GetAsync()).GetSubscriber();
                await subscriber.PublishAsync(_channel, _instance + " " + string.Join(' ', keys));
                return;
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Invalidating {Keys} failed; it is sent again when Redis answers", keys);
        }

        foreach (var key in keys)
        {
            _unsent.TryAdd(key, 0);
        }
    }

    /// <summary>Back from an outage: send what could not be sent, and have every instance drop its L1.</summary>
    private async Task AfterOutageAsync()
    {
        var keys = _unsent.Keys.ToArray();
        foreach (var key in keys)
        {
            _unsent.TryRemove(key, out _);
        }

        await DropLocalAsync();
        if (keys.Length > 0)
        {
            await RemoveEverywhereAsync(keys);
        }

        try
        {
            var subscriber = (await _redis.GetAsync()).GetSubscriber();
            await subscriber.PublishAsync(_channel, _instance + " " + DropAll);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not ask the other instances to drop their in-process caches after the Redis outage");
        }
    }

    private async Task SubscribeAsync()
    {
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextAttemptTicks) || !await _subscribing.WaitAsync(0))
        {
            return;
        }

        try
        {
            if (_subscribed || !await _redis.IsConnectedAsync())
            {
                return;
            }

            var subscriber = (await _redis.GetAsync()).GetSubscriber();
            await subscriber.SubscribeAsync(_channel, (channel, message) => _ = OnMessageAsync(message));
            _subscribed = true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not subscribe to cache invalidations; retrying in {Seconds} s", ResubscribeEvery.TotalSeconds);
        }
        finally
        {
            Interlocked.Exchange(ref _nextAttemptTicks, now + (long)ResubscribeEvery.TotalMilliseconds);
            _subscribing.Release();
        }
    }

    private async Task OnMessageAsync(RedisValue message)
    {
        var parts = message.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] == _instance)
        {
            return;
        }

        try
        {
            if (parts[1] == DropAll)
            {
                await DropLocalAsync();
            }
            else
            {
                await _cache.RemoveAsync(parts[1..]);
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Dropping {Count} invalidated cache entries failed", parts.Length - 1);
        }
    }

    private async Task DropLocalAsync()
    {
        try
        {
            await _cache.RemoveByTagAsync(CacheKeys.AllTag);
            _logger.LogInformation("In-process cache dropped after a Redis outage: invalidations may have been missed meanwhile");
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Dropping the in-process cache after a Redis outage failed");
        }
    }
}
