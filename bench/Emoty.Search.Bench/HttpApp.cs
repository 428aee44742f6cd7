using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Emoty.Domain.Persistence;
using Emoty.LocalHost;
using Emoty.Testing;

namespace Emoty.Search.Bench;

/// <summary>
/// The Functions app (its Release build) behind the local host, on a free port, over the seeded
/// database and the developer instance's Redis and Azurite, with the sample's settings. Rate
/// limits are lifted: the benchmark is one client on one address.
/// </summary>
public sealed class HttpApp : IAsyncDisposable
{
    private readonly LocalFunctionsHost _host;
    private readonly HttpClient _http;
    private readonly Tokens _tokens;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> _bearers = new();

    private HttpApp(LocalFunctionsHost host, Tokens tokens)
    {
        _host = host;
        _tokens = tokens;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<HttpApp> StartAsync(string root, string connectionString)
    {
        var sample = LocalSettingsFile.Read(Path.Combine(root, "local.settings.sample.json"));
        var settings = new Dictionary<string, string>(sample.Values)
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ConnectionStrings__Redis"] = await TestServices.RedisAsync(),
            ["AzureWebJobsStorage"] = await TestServices.StorageConnectionStringAsync(),
            ["Cache__KeyPrefix"] = $"emoty-bench-{Guid.NewGuid():N}:",
        };
        foreach (var budget in new[] { "ReadsPerMinute", "WritesPerMinute", "EventsPerMinute", "SyncPerMinute", "FailedSignInsPerFiveMinutes" })
        {
            settings[$"RateLimits__{budget}"] = "100000000";
        }

        var appDirectory = Path.Combine(root, "Emoty.Functions", "bin", "Release", "net10.0");
        var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions { AppDirectory = appDirectory, HttpPort = 0, Settings = settings });
        return new HttpApp(host, new Tokens(settings["Auth__SigningKey"], settings["Auth__Issuer"], settings["Auth__Audience"]));
    }

    /// <summary>One search; returns its next_cursor.</summary>
    public async Task<string?> SearchAsync(string query, Guid? caller)
    {
        using var response = await SendAsync(HttpMethod.Get, $"api/patterns?{query}", caller);
        var page = await Expect(response, HttpStatusCode.OK);
        return page.GetProperty("next_cursor").GetString();
    }

    /// <summary>Mixed shapes from <paramref name="concurrency"/> clients at once for <paramref name="duration"/>.</summary>
    public async Task<(long Requests, double PerSecond, long Errors, Stats Latency)> LoadAsync(
        IReadOnlyList<Shape> shapes, Workload workload, int concurrency, TimeSpan duration)
    {
        var times = new List<double>[concurrency];
        long errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async client =>
        {
            var random = new Random(client);
            var mine = times[client] = [];
            while (clock.Elapsed < duration)
            {
                var shape = shapes[random.Next(shapes.Count)];
                Guid? caller = shape.SignedIn ? workload.Callers[random.Next(workload.Callers.Length)] : null;
                var text = shape.Draw(workload, random);
                var watch = Stopwatch.StartNew();
                using var response = await SendAsync(HttpMethod.Get, $"api/patterns?{text}", caller);
                await response.Content.LoadIntoBufferAsync();
                mine.Add(watch.Elapsed.TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = times.SelectMany(t => t).ToList();
        return (all.Count, all.Count / elapsed, errors, Stats.Of(all));
    }

    /// <summary>Removes what <see cref="WritesAsync"/> wrote (parameter: creator), so that the seeded data stays the same from run to run.</summary>
    public const string DeleteWrittenSql = FeedWriters.JoinSql + "; DELETE FROM patterns WHERE user_id = @creator AND (name = 'Bench sunrise meadow' OR name LIKE 'Bench sunset garden %')";

    /// <summary>Creates <paramref name="count"/> patterns one at a time, then updates each once: what every index costs a write.</summary>
    public async Task<(Stats Create, Stats Update)> WritesAsync(Guid creator, int count)
    {
        var creates = new List<double>(count);
        var updates = new List<double>(count);
        var ids = new List<(string Id, int Version)>(count);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await SendAsync(HttpMethod.Post, "api/patterns", creator, new
            {
                name = $"Bench sunset garden {i}",
                description = "A calm ocean at dusk, drawn for the write benchmark",
                sequence = new[] { "🌅", "🌊", "🌸" },
                tags = new[] { "sunset", "ocean", "bench" },
                is_public = true,
            });
            creates.Add(watch.Elapsed.TotalMilliseconds);
            var created = await Expect(response, HttpStatusCode.Created);
            ids.Add((created.GetProperty("id").GetString()!, created.GetProperty("version").GetInt32()));
        }

        foreach (var (id, version) in ids)
        {
            var watch = Stopwatch.StartNew();
            using var response = await SendAsync(HttpMethod.Put, $"api/patterns/{id}", creator, new
            {
                name = "Bench sunrise meadow",
                description = "Updated by the write benchmark",
                tags = new[] { "sunrise", "meadow" },
                version,
            });
            updates.Add(watch.Elapsed.TotalMilliseconds);
            await Expect(response, HttpStatusCode.OK);
        }

        return (Stats.Of(creates), Stats.Of(updates));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Guid? caller, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (caller is { } user)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _bearers.GetOrAdd(user, _tokens.For(user)));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return _http.SendAsync(request);
    }

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
