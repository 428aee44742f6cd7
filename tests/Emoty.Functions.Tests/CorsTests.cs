namespace Emoty.Functions.Tests;

/// <summary>A browser on the web app's origin (the sample allows http://localhost:3000) calling the API, and one on any other origin.</summary>
[Collection(AppCollection.Name)]
public sealed class CorsTests(EmotyApp app)
{
    private const string WebApp = "http://localhost:3000";

    [Fact]
    public async Task the_web_apps_origin_may_call_with_a_token_and_read_etag_location_and_retry_after()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/patterns");
        preflight.Headers.Add("Origin", WebApp);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, if-match");
        using var allowed = await app.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(WebApp, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("if-match", Header(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        var (status, _, created) = await app.SendAsync(HttpMethod.Post, "api/patterns", Guid.NewGuid(),
            new { name = "From the browser", sequence = new[] { "🌐" } }, request => request.Headers.Add("Origin", WebApp));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(WebApp, Header(created, "Access-Control-Allow-Origin"));
        var exposed = Header(created, "Access-Control-Expose-Headers");
        foreach (var name in new[] { "ETag", "Location", "Retry-After" })
        {
            Assert.Contains(name, exposed, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task any_other_origin_gets_no_cors_headers()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/patterns");
        preflight.Headers.Add("Origin", "https://elsewhere.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var refused = await app.Http.SendAsync(preflight);
        Assert.DoesNotContain(refused.Headers, h => h.Key.StartsWith("Access-Control-Allow", StringComparison.OrdinalIgnoreCase));

        var (_, _, read) = await app.SendAsync(HttpMethod.Get, "api/health", configure: request => request.Headers.Add("Origin", "https://elsewhere.example"));
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        string.Join(",", response.Headers.TryGetValues(name, out var values) ? values : []);
}
