namespace Emoty.LocalHost.Tests.Units;

public sealed class HostJsonTests
{
    [Fact]
    public void missing_values_take_the_real_hosts_defaults()
    {
        var hostJson = Load("""{ "version": "2.0" }""");

        Assert.Equal("api", hostJson.RoutePrefix);
        Assert.Equal(16, hostJson.Queues.BatchSize);
        Assert.Equal(5, hostJson.Queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, hostJson.Queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), hostJson.Queues.MaxPollingInterval);
        Assert.True(hostJson.Queues.Base64);
    }

    [Fact]
    public void queue_and_http_settings_are_read_case_insensitively_and_clamped()
    {
        var hostJson = Load("""
            {
              // comments are allowed, as in the real host
              "Extensions": {
                "http": { "routePrefix": "/" },
                "Queues": { "BatchSize": 64, "newBatchThreshold": 4, "maxDequeueCount": 2,
                            "visibilityTimeout": "00:00:10", "maxPollingInterval": "00:00:00.010", "messageEncoding": "none" }
              }
            }
            """);

        Assert.Equal("", hostJson.RoutePrefix);
        Assert.Equal(32, hostJson.Queues.BatchSize);
        Assert.Equal(4, hostJson.Queues.NewBatchThreshold);
        Assert.Equal(2, hostJson.Queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(10), hostJson.Queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), hostJson.Queues.MaxPollingInterval);
        Assert.False(hostJson.Queues.Base64);
    }

    private static HostJson Load(string json)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            return HostJson.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
