namespace Emoty.Functions.Tests;

/// <summary>An app whose storage queues cannot be reached: what needs the queue is a clear 503, everything else goes on.</summary>
public sealed class QueueOutageTests() : OwnAppTests(new()
{
    ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};" +
        $"QueueEndpoint=http://127.0.0.1:{FreePorts.Next()}/devstoreaccount1;",
})
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task posting_events_is_503_with_retry_after_while_reads_and_writes_go_on()
    {
        var owner = Guid.NewGuid();
        var pattern = (await App.CreatePatternAsync(owner, new { name = "Offline queue", sequence = new[] { "📭" }, is_public = true })).Id();

        var (status, problem, response) = await App.SendAsync(HttpMethod.Post, "api/events", owner, new { events = new[] { new { pattern_id = pattern, type = "like" } } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("service_unavailable", problem.Code());
        Assert.True(response.Headers.RetryAfter is not null, "no Retry-After");
        // A read counts a view in the background: the queue being down must not fail the read.
        Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", owner, new { name = "Still writable" })).Status);
        var health = (await App.SendAsync(HttpMethod.Get, "api/health")).Body;
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal("unhealthy", health.GetProperty("checks").GetProperty("queues").GetProperty("status").GetString());
    }
}
