using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class HttpTriggerTests(LocalHostFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task route_with_typed_constraints_binds_route_and_query_values()
    {
        using var response = await Http.GetAsync("api/items/42/tags/blue?sort=asc&page=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(42, body.GetProperty("id").GetInt32());
        Assert.Equal("blue", body.GetProperty("tag").GetString());
        Assert.Equal("GET", body.GetProperty("method").GetString());
        Assert.Equal("asc", body.GetProperty("query").GetProperty("sort").GetString());
        Assert.Equal("2", body.GetProperty("query").GetProperty("page").GetString());
        Assert.StartsWith(fixture.Host.BaseAddress.ToString(), body.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("api/items/forty-two/tags/blue")]
    [InlineData("api/items/42/tags/blue7")]
    [InlineData("api/no/such/route")]
    public async Task constraint_mismatch_or_unknown_route_returns_404_problem(string path)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task literal_segment_beats_parameter_whatever_the_declaration_order()
    {
        Assert.Equal("batch", await Http.GetStringAsync("api/patterns/batch"));
        Assert.Equal("pattern 7", await Http.GetStringAsync("api/patterns/7"));
    }

    [Fact]
    public async Task wrong_method_on_a_matched_route_returns_405_with_allow()
    {
        using var response = await Http.PostAsync("api/empty", new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task client_error_status_body_and_content_type_pass_through()
    {
        using var response = await Http.PutAsync("api/conflict", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"title":"Version conflict","status":409}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task success_status_custom_headers_and_every_cookie_pass_through()
    {
        using var response = await Http.PostAsync("api/things", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/things/42", response.Headers.Location?.OriginalString);
        Assert.Equal("\"v1\"", response.Headers.ETag?.Tag);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("custom-value", Assert.Single(response.Headers.GetValues("X-Custom")));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var cookies = response.Headers.GetValues("Set-Cookie").ToArray();
        Assert.Equal(4, cookies.Length);
        Assert.Contains("c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/", cookies);
        Assert.Contains("d=4", cookies);
        Assert.Contains(cookies, c => c.StartsWith("a=1", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("b=2", StringComparison.Ordinal));
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task two_mib_random_body_round_trips_byte_for_byte()
    {
        var payload = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        using var response = await Http.PostAsync("api/echo", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task empty_body_arrives_as_empty_bytes()
    {
        using var response = await Http.PostAsync("api/echo", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task failing_function_returns_500_problem_without_stack_trace()
    {
        using var response = await Http.GetAsync("api/fails");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task http_function_with_queue_output_enqueues_one_message_per_array_element()
    {
        var id = Guid.NewGuid().ToString("N");

        using var response = await Http.PostAsync("api/enqueue", new StringContent($"first-{id},second-{id}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("queued", await response.Content.ReadAsStringAsync());
        var messages = await fixture.ReceiveUntilAsync(fixture.EnqueueQueue,
            m => m.Count(x => x.MessageText.EndsWith(id, StringComparison.Ordinal)) >= 2);
        Assert.Equal(
            [$"first-{id}", $"second-{id}"],
            messages.Select(m => m.MessageText).Where(t => t.EndsWith(id, StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task sixty_four_concurrent_requests_are_all_in_the_worker_at_once()
    {
        // Each answers only when all 64 have arrived: a host that queued any of them behind another gets 504s.
        var group = Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Http.GetAsync($"api/rendezvous/{group}/64")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
