using System.Net.Http.Headers;

namespace Emoty.Functions.Tests;

/// <summary>Each kind of budget met, in an app of its own with tight limits (the suite's apps have loose ones).</summary>
public sealed class RateLimitTests() : OwnAppTests(new()
{
    ["RateLimits__ReadsPerMinute"] = "5",
    ["RateLimits__WritesPerMinute"] = "3",
    ["RateLimits__EventsPerMinute"] = "2",
    ["RateLimits__SyncPerMinute"] = "2",
    ["RateLimits__FailedSignInsPerFiveMinutes"] = "3",
})
{
    [Fact]
    public async Task a_flood_of_reads_meets_a_429_with_retry_after_and_other_callers_are_not_affected()
    {
        var reader = Guid.NewGuid();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await App.SendAsync(HttpMethod.Get, "api/me", reader)).Status);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), statuses.Take(5));
        await AssertRateLimitedAsync(await App.SendAsync(HttpMethod.Get, "api/me", reader));
        Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Get, "api/me", Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task writes_events_and_sync_batches_each_have_a_budget_of_their_own()
    {
        var user = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await App.SendAsync(HttpMethod.Post, "api/patterns", user, new { name = $"W{i}", sequence = new[] { "✍️" } })).Status);
        }

        await AssertRateLimitedAsync(await App.SendAsync(HttpMethod.Post, "api/patterns", user, new { name = "One too many", sequence = new[] { "✍️" } }));

        var pattern = (await App.CreatePatternAsync(Guid.NewGuid(), new { name = "Watched", sequence = new[] { "👀" }, is_public = true })).Id();
        object Events() => new { events = new[] { new { pattern_id = pattern, type = "view" } } };
        Assert.Equal(HttpStatusCode.Accepted, (await App.SendAsync(HttpMethod.Post, "api/events", user, Events())).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await App.SendAsync(HttpMethod.Post, "api/events", user, Events())).Status);
        await AssertRateLimitedAsync(await App.SendAsync(HttpMethod.Post, "api/events", user, Events()));

        object Batch() => new { client_id = "web", batch_id = Guid.NewGuid(), operations = Array.Empty<object>() };
        var first = await App.SendAsync(HttpMethod.Post, "api/sync", user, Batch());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, first.Status);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await App.SendAsync(HttpMethod.Post, "api/sync", user, Batch())).Status);
        await AssertRateLimitedAsync(await App.SendAsync(HttpMethod.Post, "api/sync", user, Batch()));
    }

    [Fact]
    public async Task bad_tokens_from_one_address_meet_a_429_and_a_good_token_still_gets_in()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithTokenAsync("not-a-token")).StatusCode);
        }

        using var limited = await WithTokenAsync("not-a-token");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var good = await WithTokenAsync(App.Tokens.For(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    private async Task<HttpResponseMessage> WithTokenAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await App.Http.SendAsync(request);
    }

    private static Task AssertRateLimitedAsync((HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response) answer)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.Status);
        Assert.Equal("rate_limited", answer.Body.Code());
        Assert.True(answer.Response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After");
        return Task.CompletedTask;
    }
}

/// <summary>With Redis stopped the limits are not enforced, and the API keeps serving.</summary>
public sealed class RateLimitWithoutRedisTests : IAsyncLifetime
{
    private PrivateRedis _redis = null!;
    private EmotyApp _app = null!;

    public async Task InitializeAsync()
    {
        _redis = await PrivateRedis.StartAsync();
        _app = new EmotyApp
        {
            OverrideSettings = () => Task.FromResult(new Dictionary<string, string>
            {
                ["ConnectionStrings__Redis"] = _redis.ConnectionString,
                ["RateLimits__ReadsPerMinute"] = "2",
            }),
        };
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task limits_fail_open_while_redis_is_down()
    {
        var reader = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await _app.SendAsync(HttpMethod.Get, "api/me", reader)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _app.SendAsync(HttpMethod.Get, "api/me", reader)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _app.SendAsync(HttpMethod.Get, "api/me", reader)).Status);

        await _redis.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _app.SendAsync(HttpMethod.Get, "api/me", reader)).Status);
        }
    }
}
