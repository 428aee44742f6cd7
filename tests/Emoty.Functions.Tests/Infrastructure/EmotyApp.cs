using System.Net.Http.Headers;
using System.Reflection;
using Emoty.LocalHost;

namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>
/// The real Emoty.Functions worker behind the local host, on a free port, with its own fresh
/// database and the run's Redis and Azurite. One per test collection.
/// </summary>
public sealed class EmotyApp : IAsyncLifetime
{
    private LocalFunctionsHost? _host;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public string DatabaseConnectionString { get; private set; } = "";
    public IReadOnlyDictionary<string, string> Settings { get; private set; } = new Dictionary<string, string>();
    public Tokens Tokens { get; private set; } = null!;

    /// <summary>Settings that a derived fixture changes (e.g. a Redis of its own that a test stops).</summary>
    public Func<Task<Dictionary<string, string>>>? OverrideSettings { get; init; }

    public async Task InitializeAsync()
    {
        var overrides = OverrideSettings is null ? [] : await OverrideSettings();
        // A database given by the fixture (another app's, or one on a PostgreSQL of its own) is the one the invariants are checked on.
        DatabaseConnectionString = overrides.TryGetValue("ConnectionStrings__Postgres", out var own) ? own : await TestServices.CreateDatabaseAsync("app");
        var sample = SampleSettings();
        var settings = new Dictionary<string, string>(sample)
        {
            ["ConnectionStrings__Postgres"] = DatabaseConnectionString,
            ["ConnectionStrings__Redis"] = await TestServices.RedisAsync(),
            ["AzureWebJobsStorage"] = await TestServices.StorageConnectionStringAsync(),
        };

        // Every app of the run shares one Azurite and one Redis: queues and cache keys of their own keep each app's data its own.
        var queueSuffix = Guid.NewGuid().ToString("N")[..12];
        settings["UsageEventsQueue"] = $"usage-events-{queueSuffix}";
        settings["SyncBatchesQueue"] = $"sync-batches-{queueSuffix}";
        settings["Cache__KeyPrefix"] = $"emoty-test-{queueSuffix}:";
        // The suite is one client hammering one address; the limits themselves are tested with tight ones (RateLimitTests).
        foreach (var budget in new[] { "ReadsPerMinute", "WritesPerMinute", "EventsPerMinute", "SyncPerMinute", "FailedSignInsPerFiveMinutes" })
        {
            settings[$"RateLimits__{budget}"] = "1000000";
        }
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        Settings = settings;
        Tokens = new Tokens(settings["Auth__SigningKey"], settings["Auth__Issuer"], settings["Auth__Audience"]);
        _host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
        {
            AppDirectory = Metadata("FunctionsAppDirectory"),
            HttpPort = 0,
            Settings = settings,
            Cors = LocalSettingsFile.Read(SamplePath).Cors,
        });
        Http.BaseAddress = _host.BaseAddress;
    }

    /// <summary>The running worker's process id (null while the host restarts it): for tests that kill it.</summary>
    public int? WorkerProcessId => _host?.WorkerProcessId;

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public HttpRequestMessage Request(HttpMethod method, string path, Guid? user = null, object? json = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (user is { } id)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(id));
        }

        if (json is not null)
        {
            request.Content = json is string text
                ? new StringContent(text, System.Text.Encoding.UTF8, "application/json")
                : System.Net.Http.Json.JsonContent.Create(json, options: SnakeCase);
        }

        return request;
    }

    public static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The Values of local.settings.sample.json: tests use the same development key any client may use.</summary>
    public static Dictionary<string, string> SampleSettings() => new(LocalSettingsFile.Read(SamplePath).Values);

    private static string SamplePath => Path.Combine(Metadata("RepositoryRoot"), "local.settings.sample.json");

    private static string Metadata(string key) =>
        typeof(EmotyApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
