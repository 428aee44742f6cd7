using System.Diagnostics;
using Emoty.LocalHost;
using Emoty.Testing;
using Emoty.Testing.Faults;

namespace Emoty.Faults;

/// <summary>
/// The Functions app (its Release build) behind the local host over a PostgreSQL, a Redis and an
/// Azurite of its own, so that a program may kill any of them: the developer's and the test run's
/// instances are never touched. The sample's settings, rate limits lifted (one client, one address).
/// Shared by the fault harness and the sync benchmark.
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    private LocalFunctionsHost _host = null!;

    private Stack(PrivatePostgres postgres, PrivateRedis redis, PrivateAzurite azurite)
    {
        Postgres = postgres;
        Redis = redis;
        Azurite = azurite;
    }

    public PrivatePostgres Postgres { get; }

    public PrivateRedis Redis { get; }

    public PrivateAzurite Azurite { get; }

    public HttpClient Http { get; private set; } = null!;

    public Tokens Tokens { get; private set; } = null!;

    /// <summary>For the checks after a fault: unpooled, so that no check picks up a connection that a kill of PostgreSQL broke.</summary>
    public string Database => new Npgsql.NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Pooling = false }.ConnectionString;

    public int? WorkerProcessId => _host.WorkerProcessId;

    public static async Task<Stack> StartAsync()
    {
        var root = TestServices.RepositoryRoot();
        var stack = new Stack(await PrivatePostgres.StartAsync(), await PrivateRedis.StartAsync(), await PrivateAzurite.StartAsync());
        var sample = LocalSettingsFile.Read(Path.Combine(root, "local.settings.sample.json"));
        var settings = new Dictionary<string, string>(sample.Values)
        {
            ["ConnectionStrings__Postgres"] = stack.Postgres.ConnectionString,
            ["ConnectionStrings__Redis"] = stack.Redis.ConnectionString,
            ["AzureWebJobsStorage"] = stack.Azurite.ConnectionString,
        };
        foreach (var budget in new[] { "ReadsPerMinute", "WritesPerMinute", "EventsPerMinute", "SyncPerMinute", "FailedSignInsPerFiveMinutes" })
        {
            settings[$"RateLimits__{budget}"] = "100000000";
        }

        var appDirectory = Path.Combine(root, "Emoty.Functions", "bin", "Release", "net10.0");
        stack._host = await LocalFunctionsHost.StartAsync(new LocalHostOptions { AppDirectory = appDirectory, HttpPort = 0, Settings = settings });
        stack.Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = stack._host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        stack.Tokens = new Tokens(settings["Auth__SigningKey"], settings["Auth__Issuer"], settings["Auth__Audience"]);
        return stack;
    }

    public LoadClient NewClient() => new(Http, Tokens);

    /// <summary>Kills the worker process; the local host starts another (<see cref="WaitForWorkerAsync"/>).</summary>
    public async Task KillWorkerAsync()
    {
        var pid = _host.WorkerProcessId ?? throw new InvalidOperationException("no worker is running");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }
    }

    /// <summary>Returns once a worker other than <paramref name="old"/> runs and answers a health request.</summary>
    public async Task WaitForWorkerAsync(int old, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (_host.WorkerProcessId is null || _host.WorkerProcessId == old || !(await HealthAnswersAsync()))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"no new worker within {deadline.TotalSeconds:0} s");
            }

            await Task.Delay(20);
        }
    }

    private async Task<bool> HealthAnswersAsync()
    {
        try
        {
            using var response = await Http.GetAsync("api/health");
            return response.StatusCode is System.Net.HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
