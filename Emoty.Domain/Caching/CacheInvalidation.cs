using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Emoty.Domain.Caching;

/// <summary>
/// Drops entries after a write, everywhere: here (L1 and Redis) at once, in every other instance's
/// L1 through a Redis channel, and once more a moment later, so that a reader that loaded the old
/// row just before the commit cannot leave it behind. If Redis is down the channel is too; other
/// instances' L1 then expires by itself (<see cref="CacheSettings.LocalExpiration"/>), and when the
/// connection comes back every instance drops its whole L1, since it may have missed messages.
/// </summary>
public sealed class CacheInvalidation
{
    private static readonly TimeSpan SecondPass = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResubscribeEvery = TimeSpan.FromSeconds(5);

    private readonly HybridCache _cache;
    private readonly RedisConnection _redis;
    private readonly ILogger<CacheInvalidation> _logger;
    private readonly RedisChannel _channel;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private volatile bool _subscribed;
    private long _nextAttemptTicks;

    public CacheInvalidation(HybridCache cache, RedisConnection redis, CacheSettings settings, ILogger<CacheInvalidation> logger)
    {
        _cache = cache;
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(settings.KeyPrefix + "invalidate");
        redis.Restored += () => _ = DropLocalAsync();
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

    public async Task InvalidateAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await RemoveEverywhereAsync(keys, cancellationToken);
        _ = Task.Run(async () =>
        {
            await Task.Delay(SecondPass, CancellationToken.None);
            await RemoveEverywhereAsync(keys, CancellationToken.None);
        }, CancellationToken.None);
    }

    private async Task RemoveEverywhereAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await _cache.RemoveAsync(keys, cancellationToken);
        if (!await _redis.IsConnectedAsync())
        {
            return;
        }

        try
        {
            var subscriber = (await _redis.GetAsync()).GetSubscriber();
            await subscriber.PublishAsync(_channel, _instance + " " + string.Join(' ', keys));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not broadcast the invalidation of {Keys}; other instances drop them within their local expiry", keys);
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
            await _cache.RemoveAsync(parts[1..]);
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
            _logger.LogInformation("Redis is back: this instance's in-process cache was dropped, as invalidations may have been missed");
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Dropping the in-process cache after a Redis outage failed");
        }
    }
}
