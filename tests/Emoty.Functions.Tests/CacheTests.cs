using StackExchange.Redis;

namespace Emoty.Functions.Tests;

/// <summary>
/// Two instances of the app over one database and one Redis, as in Azure, with an in-process cache
/// that would keep entries for ten minutes: only invalidation can make the second see a write.
/// </summary>
public sealed class CacheTests : IAsyncLifetime
{
    private readonly EmotyApp _first = new() { OverrideSettings = () => Task.FromResult(LongLivedCache()) };
    private EmotyApp _second = null!;

    public async Task InitializeAsync()
    {
        await _first.InitializeAsync();
        _second = new EmotyApp
        {
            OverrideSettings = () => Task.FromResult(new Dictionary<string, string>(LongLivedCache())
            {
                ["ConnectionStrings__Postgres"] = _first.DatabaseConnectionString,
                ["Cache__KeyPrefix"] = _first.Settings["Cache__KeyPrefix"],
            }),
        };
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    private static Dictionary<string, string> LongLivedCache() => new()
    {
        ["Cache__ExpirationSeconds"] = "600",
        ["Cache__LocalExpirationSeconds"] = "600",
    };

    [Fact]
    public async Task reads_are_served_from_the_cache_until_a_write_through_any_instance_invalidates_them()
    {
        var owner = Guid.NewGuid();
        var id = (await _first.CreatePatternAsync(owner, new { name = "Cached", sequence = new[] { "🧊" }, is_public = true })).Id();
        Assert.Equal("Cached", await NameOnAsync(_second, id));

        // Behind the app's back: a cached read cannot see this, which shows reads really come from the cache.
        await using (var db = new NpgsqlConnection(_first.DatabaseConnectionString))
        {
            await db.ExecuteAsync("UPDATE patterns SET name = 'Changed behind its back' WHERE id = @id", new { id });
        }

        Assert.Equal("Cached", await NameOnAsync(_second, id));
        Assert.Equal("Cached", await NameOnAsync(null, id));

        var (status, _, _) = await _first.SendAsync(HttpMethod.Put, $"api/patterns/{id}", owner, new { name = "Renamed" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Renamed", await NameOnAsync(_first, id));
        await Eventually.TrueAsync(async () => await NameOnAsync(_second, id) == "Renamed", "the second instance kept the old name");
    }

    [Fact]
    public async Task a_revoked_share_stops_working_on_every_instance()
    {
        var owner = Guid.NewGuid();
        var friend = Guid.NewGuid();
        await _first.SendAsync(HttpMethod.Get, "api/me", friend);
        var id = (await _first.CreatePatternAsync(owner, new { name = "Shared", sequence = new[] { "🤝" } })).Id();
        Assert.Equal(HttpStatusCode.Created, (await _first.SendAsync(HttpMethod.Post, $"api/patterns/{id}/shares", owner, new { user_id = friend, permission = "view" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", friend)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await _first.SendAsync(HttpMethod.Delete, $"api/patterns/{id}/shares/{friend}", owner)).Status);

        Assert.Equal(HttpStatusCode.NotFound, (await _first.SendAsync(HttpMethod.Get, $"api/patterns/{id}", friend)).Status);
        await Eventually.TrueAsync(async () => (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", friend)).Status == HttpStatusCode.NotFound,
            "the second instance still served a revoked share");
    }

    [Fact]
    public async Task a_share_expires_on_time_even_while_its_pattern_is_cached()
    {
        var owner = Guid.NewGuid();
        var friend = Guid.NewGuid();
        await _first.SendAsync(HttpMethod.Get, "api/me", friend);
        var id = Guid.Empty;

        await Expiry.AcrossAsync(async expiresAt =>
        {
            id = (await _first.CreatePatternAsync(owner, new { name = "Brief", sequence = new[] { "⏳" } })).Id();
            var shared = await _first.SendAsync(HttpMethod.Post, $"api/patterns/{id}/shares", owner,
                new { user_id = friend, permission = "view", expires_at = expiresAt.ToString("O") });
            // The read that puts the pattern, with its share, into the second instance's cache.
            return shared.Status == HttpStatusCode.Created
                && (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", friend)).Status == HttpStatusCode.OK;
        }, async () =>
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", friend)).Status);
            Assert.Equal(HttpStatusCode.OK, (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", owner)).Status);
        });
    }

    [Fact]
    public async Task a_favourite_shows_at_once_and_like_count_follows_it()
    {
        var owner = Guid.NewGuid();
        var fan = Guid.NewGuid();
        var id = (await _first.CreatePatternAsync(owner, new { name = "Liked", sequence = new[] { "💛" }, is_public = true })).Id();
        var before = (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", fan)).Body;
        Assert.False(before.GetProperty("is_favorited").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await _first.SendAsync(HttpMethod.Post, $"api/patterns/{id}/favorite", fan)).Status);

        await Eventually.TrueAsync(async () =>
        {
            var after = (await _second.SendAsync(HttpMethod.Get, $"api/patterns/{id}", fan)).Body;
            return after.GetProperty("is_favorited").GetBoolean() && after.GetProperty("like_count").GetInt64() == 1;
        }, "the second instance kept the old favourite state");
    }

    [Fact]
    public async Task entries_are_shared_through_redis_under_the_apps_prefix()
    {
        var id = (await _first.CreatePatternAsync(Guid.NewGuid(), new { name = "In Redis", sequence = new[] { "🟥" }, is_public = true })).Id();
        await NameOnAsync(_first, id);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await TestServices.RedisAsync());
        var key = _first.Settings["Cache__KeyPrefix"] + Emoty.Domain.Caching.CacheKeys.Pattern(id);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(key), $"{key} is not in Redis");
    }

    private async Task<string?> NameOnAsync(EmotyApp? app, Guid id)
    {
        var (status, body, _) = await (app ?? _second).SendAsync(HttpMethod.Get, $"api/patterns/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("name").GetString();
    }

}

/// <summary>Redis stops under a running app and comes back: the app keeps serving, and never serves what it should not.</summary>
public sealed class CacheWithoutRedisTests : IAsyncLifetime
{
    private PrivateRedis _redis = null!;
    private EmotyApp _app = null!;

    public async Task InitializeAsync()
    {
        _redis = await PrivateRedis.StartAsync();
        _app = new EmotyApp
        {
            OverrideSettings = () => Task.FromResult(new Dictionary<string, string> { ["ConnectionStrings__Redis"] = _redis.ConnectionString }),
        };
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task reads_and_writes_go_on_while_redis_is_down_and_after_it_returns()
    {
        var owner = Guid.NewGuid();
        var id = (await _app.CreatePatternAsync(owner, new { name = "Before", sequence = new[] { "🌅" } })).Id();
        Assert.Equal("Before", await NameAsync(owner, id));

        await _redis.StopAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", owner, new { name = "During" })).Status);
        Assert.Equal("During", await NameAsync(owner, id));
        var health = (await _app.SendAsync(HttpMethod.Get, "api/health")).Body;
        Assert.Equal("degraded", health.GetProperty("status").GetString());

        // Written behind the app's back while it cannot hear invalidations: it must read PostgreSQL, not its memory.
        await using (var db = new NpgsqlConnection(_app.DatabaseConnectionString))
        {
            await db.ExecuteAsync("UPDATE patterns SET name = 'Direct' WHERE id = @id", new { id });
        }

        Assert.Equal("Direct", await NameAsync(owner, id));

        await _redis.StartAgainAsync();
        await _app.WaitUntilHealthyAsync();

        Assert.Equal(HttpStatusCode.OK, (await _app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", owner, new { name = "After" })).Status);
        Assert.Equal("After", await NameAsync(owner, id));
        Assert.Equal("After", await NameAsync(owner, id));
    }

    private async Task<string?> NameAsync(Guid user, Guid id)
    {
        var (status, body, _) = await _app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", user);
        Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        return body.GetProperty("name").GetString();
    }
}
