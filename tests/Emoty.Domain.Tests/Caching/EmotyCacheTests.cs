using Emoty.Domain.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Emoty.Domain.Tests.Caching;

/// <summary>
/// The app's cache on a real Redis, with loads of the test's own standing in for PostgreSQL: what a load
/// returns is what the row holds at that moment. Each test has a key prefix of its own.
/// </summary>
public sealed class EmotyCacheTests
{
    private static readonly CacheSettings Settings = new()
    {
        KeyPrefix = $"emoty-test-{Guid.NewGuid():N}:",
        // Nothing expires during a test, however slow the machine: only invalidation can make a read reload.
        Expiration = TimeSpan.FromHours(1),
        LocalExpiration = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task a_read_that_loaded_the_old_row_before_an_invalidation_does_not_leave_it_cached()
    {
        await using var redis = new RedisConnection(await TestServices.RedisAsync(), NullLogger<RedisConnection>.Instance);
        using var cache = new EmotyCache(Settings, redis, NullLoggerFactory.Instance);
        var loaded = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        // A reader's load has read the row (false) and not yet returned when the writer commits (true) and invalidates.
        var straddling = cache.GetOrSetAsync("straddle", "straddle", async _ =>
        {
            loaded.SetResult();
            await release.Task;
            return false;
        }, CancellationToken.None);
        await loaded.Task;
        await cache.InvalidateAsync("straddle", "straddle");
        release.SetResult();

        // That reader answers what it read; the entry it stored after the invalidation is not served again.
        Assert.False(await straddling);
        Assert.True(await cache.GetOrSetAsync("straddle", "straddle", _ => Task.FromResult(true), CancellationToken.None));
        Assert.True(await cache.GetOrSetAsync("straddle", "straddle", _ => Task.FromResult(false), CancellationToken.None));
    }

    [Fact]
    public async Task nothing_cached_before_a_redis_outage_is_served_during_or_after_it()
    {
        await using var server = await PrivateRedis.StartAsync();
        await using var redis = new RedisConnection(server.ConnectionString, NullLogger<RedisConnection>.Instance);
        using var cache = new EmotyCache(Settings, redis, NullLoggerFactory.Instance);
        await ConnectedAsync(redis);
        Assert.False(await cache.GetOrSetAsync("outage", "outage", _ => Task.FromResult(false), CancellationToken.None));
        Assert.False(await cache.GetOrSetAsync("outage", "outage", _ => Task.FromResult(true), CancellationToken.None));
        var failed = new TaskCompletionSource();
        var restored = new TaskCompletionSource();
        redis.WhenConnected(multiplexer => multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                failed.TrySetResult();
            }
        });
        // Raised after the cache's own handler: by then the cache has acted on the restored connection.
        redis.Restored += () => restored.TrySetResult();

        // The row changes while this instance cannot hear the invalidation (nobody can send it).
        await server.StopAsync();
        await failed.Task;
        Assert.True(await cache.GetOrSetAsync("outage", "outage", _ => Task.FromResult(true), CancellationToken.None));

        await server.StartAgainAsync();
        await restored.Task;
        Assert.True(await cache.GetOrSetAsync("outage", "outage", _ => Task.FromResult(true), CancellationToken.None));
    }

    /// <summary>
    /// The multiplexer's first connection may time out on a busy machine (it then connects in the background): until it is up
    /// the cache rightly reads through to the database, and the test's first read would cache nothing.
    /// </summary>
    private static async Task ConnectedAsync(RedisConnection redis)
    {
        var multiplexer = await redis.GetAsync();
        var connected = new TaskCompletionSource();
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                connected.TrySetResult();
            }
        };
        if (multiplexer.IsConnected)
        {
            connected.TrySetResult();
        }

        await connected.Task;
    }
}
