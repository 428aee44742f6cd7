using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using Emoty.LocalHost;
using Emoty.LocalHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Measures what the local host adds on top of a bare Kestrel round trip and of the worker itself:
//   HTTP e2e   client → host HTTP front → gRPC → worker → back   (GET /api/empty)
//   gRPC only  the same invocation sent straight over the worker's stream (no HTTP front)
//   bare       client → an empty Kestrel endpoint on the same machine (the loopback floor)
// Options: --requests N (sequential samples, default 5000)  --seconds S (throughput run, default 10)
//          --concurrency C (default 16)
var options = Args.Parse(args);
var appDirectory = typeof(Args).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestAppDirectory").Value!;

Console.WriteLine($"Local host benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine($"app: {Path.GetFullPath(appDirectory)}");

var started = Stopwatch.StartNew();
await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
{
    AppDirectory = appDirectory,
    HttpPort = 0,
    // Only the HTTP function under test gets a trigger: no storage needed, no timer noise.
    Functions = ["Empty"],
});
Console.WriteLine($"host started in {started.ElapsedMilliseconds} ms at {host.BaseAddress}");
await using var bare = await BareKestrel.StartAsync();

using var client = new HttpClient(new SocketsHttpHandler
{
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    MaxConnectionsPerServer = int.MaxValue,
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
});
var e2eUri = new Uri(host.BaseAddress, "api/empty");

Func<Task> e2e = async () =>
{
    using var response = await client.GetAsync(e2eUri, HttpCompletionOption.ResponseHeadersRead);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"GET /api/empty answered {(int)response.StatusCode}");
    }
};
Func<Task> bareCall = async () =>
{
    using var response = await client.GetAsync(bare.Uri, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
};
var directBody = new TypedData
{
    Http = new RpcHttp { Method = "GET", Url = e2eUri.ToString(), Body = new TypedData { Bytes = Google.Protobuf.ByteString.Empty } },
};
Func<Task> direct = async () =>
{
    var request = new InvocationRequest { InputData = { new ParameterBinding { Name = "req", Data = directBody } } };
    var response = await host.InvokeAsync("Empty", request, CancellationToken.None);
    if (response.Result.Status != StatusResult.Types.Status.Success)
    {
        throw new InvalidOperationException("direct invocation failed");
    }
};

Console.WriteLine("warming up ...");
foreach (var call in new[] { e2e, direct, bareCall })
{
    await Measure.SequentialAsync(call, 3000);
    await Measure.ThroughputAsync(call, options.Concurrency, TimeSpan.FromSeconds(1));
}

Console.WriteLine();
Console.WriteLine($"Sequential latency, {options.Requests} requests each (ms)");
Console.WriteLine($"  {"",-28} {"p50",8} {"p90",8} {"p99",8} {"mean",8}");
var e2eLatency = await Measure.SequentialAsync(e2e, options.Requests);
var directLatency = await Measure.SequentialAsync(direct, options.Requests);
var bareLatency = await Measure.SequentialAsync(bareCall, options.Requests);
e2eLatency.Print("HTTP e2e (host + worker)");
directLatency.Print("gRPC only (worker hop)");
bareLatency.Print("bare Kestrel (loopback)");
Console.WriteLine($"  host overhead over bare Kestrel       p50 {e2eLatency.P50 - bareLatency.P50,7:F3} ms   p99 {e2eLatency.P99 - bareLatency.P99,7:F3} ms");
Console.WriteLine($"  HTTP front alone (e2e - bare - gRPC)  p50 {e2eLatency.P50 - bareLatency.P50 - directLatency.P50,7:F3} ms");

Console.WriteLine();
Console.WriteLine($"Throughput at concurrency {options.Concurrency}, {options.Seconds} s each");
var e2eRate = await Measure.ThroughputAsync(e2e, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
var directRate = await Measure.ThroughputAsync(direct, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
var bareRate = await Measure.ThroughputAsync(bareCall, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
e2eRate.Print("HTTP e2e (host + worker)");
directRate.Print("gRPC only (worker hop)");
bareRate.Print("bare Kestrel (loopback)");
Console.WriteLine();
Console.WriteLine($"targets: host overhead p50 <= 1 ms: {(e2eLatency.P50 - bareLatency.P50 <= 1 ? "met" : "MISSED")}; " +
    $">= 3000 req/s at c={options.Concurrency}: {(e2eRate.PerSecond >= 3000 ? "met" : "MISSED")}");
return 0;

internal sealed record Args(int Requests, int Seconds, int Concurrency)
{
    public static Args Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new Args(Get("requests", 5000), Get("seconds", 10), Get("concurrency", 16));
    }
}

internal sealed record Latency(double P50, double P90, double P99, double Mean)
{
    public void Print(string name) => Console.WriteLine($"  {name,-28} {P50,8:F3} {P90,8:F3} {P99,8:F3} {Mean,8:F3}");
}

internal sealed record Rate(long Requests, TimeSpan Elapsed, double P50, double P99)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public void Print(string name) => Console.WriteLine($"  {name,-28} {PerSecond,10:N0} req/s   p50 {P50:F3} ms   p99 {P99:F3} ms");
}

internal static class Measure
{
    public static async Task<Latency> SequentialAsync(Func<Task> call, int count)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(samples);
        return new Latency(At(samples, 0.50), At(samples, 0.90), At(samples, 0.99), samples.Average());
    }

    /// <summary>Runs <paramref name="concurrency"/> loops for <paramref name="duration"/>; bounded in time by construction.</summary>
    public static async Task<Rate> ThroughputAsync(Func<Task> call, int concurrency, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var perLoop = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var samples = new List<double>(100_000);
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return samples;
        })));
        clock.Stop();
        var all = perLoop.SelectMany(s => s).ToArray();
        Array.Sort(all);
        return new Rate(all.Length, clock.Elapsed, At(all, 0.50), At(all, 0.99));
    }

    private static double At(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];
}

/// <summary>The floor: Kestrel configured like the host's HTTP front, answering 200 with nothing else.</summary>
internal sealed class BareKestrel(WebApplication app, Uri uri) : IAsyncDisposable
{
    public Uri Uri { get; } = uri;

    public static async Task<BareKestrel> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return new BareKestrel(app, new Uri(app.Urls.First().TrimEnd('/') + "/empty"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
