using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Emoty.Testing.Faults;

public enum Step { Create, Favourite, Update, Read, SyncPost, SyncStatus }

/// <summary>
/// One request of a load: when it started and how long it took on the load's clock, its status
/// (0: no answer at all, the connection broke or the client gave up) and what the answer was.
/// </summary>
public sealed record Outcome(Step Step, TimeSpan At, TimeSpan Took, int Status, bool ProperUnavailable, bool Stale, string? Detail)
{
    public bool Success => Status is >= 200 and < 300;

    /// <summary>A 5xx, or no answer.</summary>
    public bool Failure => Status is 0 or >= 500;

    /// <summary>A 5xx other than a 503 problem document with Retry-After, or no answer.</summary>
    public bool Improper => Failure && !ProperUnavailable;

    public TimeSpan End => At + Took;
}

/// <summary>Sends one request of a load and turns its answer, or its absence, into an <see cref="Outcome"/>.</summary>
public sealed class LoadClient(HttpClient http, Tokens tokens)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> _bearers = new();

    public HttpClient Http => http;

    /// <summary>The clock every outcome's <see cref="Outcome.At"/> is read from.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public async Task<(Outcome Outcome, JsonElement Body)> SendAsync(Step step, HttpMethod method, string path, Guid user, object? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _bearers.GetOrAdd(user, id => tokens.For(id)));
        if (json is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(json);
        }

        var at = Now;
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var took = Now - at;
            var body = default(JsonElement);
            try
            {
                body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
            }

            var proper = response.StatusCode == HttpStatusCode.ServiceUnavailable
                && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && response.Headers.RetryAfter is not null
                && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var code) && code.GetString() == "service_unavailable";
            var detail = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}";
            return (new Outcome(step, at, took, (int)response.StatusCode, proper, false, detail), body);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or IOException)
        {
            return (new Outcome(step, at, Now - at, 0, false, false, $"no answer: {failure.GetType().Name} {failure.Message}"), default);
        }
    }
}
