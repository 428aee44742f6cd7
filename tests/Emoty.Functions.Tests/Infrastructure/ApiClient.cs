namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>Small conveniences over <see cref="EmotyApp"/> for the routes most tests need.</summary>
public static class ApiClient
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        this EmotyApp app, HttpMethod method, string path, Guid? user = null, object? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = app.Request(method, path, user, json);
        configure?.Invoke(request);
        var response = await app.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static async Task<JsonElement> CreatePatternAsync(this EmotyApp app, Guid owner, object? pattern = null)
    {
        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", owner,
            pattern ?? new { name = "Heart " + Guid.NewGuid().ToString("N")[..8], sequence = new[] { "❤️", "🌸", "🌷" } });
        Assert.True(status == HttpStatusCode.Created, $"create failed: {status} {body}");
        return body;
    }

    /// <summary>The positive marker that a dependency is back: the app's health says every check is healthy again.</summary>
    public static Task WaitUntilHealthyAsync(this EmotyApp app) =>
        Eventually.TrueAsync(async () =>
        {
            var (status, body, _) = await app.SendAsync(HttpMethod.Get, "api/health");
            return status == HttpStatusCode.OK && body.GetProperty("status").GetString() == "healthy";
        }, "the app did not report healthy again");

    public static Guid Id(this JsonElement pattern) => pattern.GetProperty("id").GetGuid();

    public static string Code(this JsonElement problem) => problem.GetProperty("code").GetString()!;
}
