namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class HealthTests(EmotyApp app)
{
    [Fact]
    public async Task health_is_200_healthy_with_postgres_redis_and_queues_checked()
    {
        using var response = await app.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        foreach (var check in new[] { "postgres", "redis", "queues" })
        {
            Assert.Equal("healthy", body.RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }

        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("version").GetString()));
    }
}

/// <summary>An app whose Redis cannot be reached must keep serving and say so.</summary>
public sealed class DegradedHealthTests() : OwnAppTests(new()
{
    ["ConnectionStrings__Redis"] = $"127.0.0.1:{FreePorts.Next()},connectTimeout=500",
})
{
    [Fact]
    public async Task health_is_200_degraded_when_redis_is_down()
    {
        using var response = await App.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("unhealthy", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("healthy", body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }
}

public sealed class UnhealthyHealthTests() : OwnAppTests(new()
{
    ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={FreePorts.Next()};Database=emoty;Username=emoty;Password=emoty",
})
{
    [Fact]
    public async Task health_is_503_unhealthy_with_retry_after_when_postgres_is_down()
    {
        using var response = await App.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("unhealthy", body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }
}
