using System.Diagnostics;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Emoty.Domain.Caching;

namespace Emoty.Domain.Health;

public sealed record HealthCheckResult(string Status, double DurationMs, string? Error = null);

public sealed record HealthReport(string Status, IReadOnlyDictionary<string, HealthCheckResult> Checks, string Version)
{
    public bool IsServing => Status != HealthStatus.Unhealthy;
}

public static class HealthStatus
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
}

/// <summary>PostgreSQL down makes the app unhealthy; Redis or queues down only degrade it (reads fall back to PostgreSQL).</summary>
public sealed class HealthService(
    HealthStore database,
    RedisConnection redis,
    QueueServiceClient queues,
    EmotySettings settings,
    ILogger<HealthService> logger)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);
    private static readonly string AppVersion =
        typeof(HealthService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var postgres = RunAsync("postgres", database.PingAsync, cancellationToken);
        var cache = RunAsync("redis", async _ =>
        {
            var multiplexer = await redis.GetAsync();
            await multiplexer.GetDatabase().PingAsync();
        }, cancellationToken);
        var queue = RunAsync("queues", async ct =>
        {
            foreach (var name in settings.Queues.All)
            {
                await queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: ct);
            }
        }, cancellationToken);

        var checks = new Dictionary<string, HealthCheckResult>
        {
            ["postgres"] = await postgres,
            ["redis"] = await cache,
            ["queues"] = await queue,
        };

        var status = checks["postgres"].Status != HealthStatus.Healthy ? HealthStatus.Unhealthy
            : checks.Values.Any(c => c.Status != HealthStatus.Healthy) ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        return new HealthReport(status, checks, AppVersion);
    }

    private async Task<HealthCheckResult> RunAsync(string name, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await check(timeout.Token).WaitAsync(timeout.Token);
            return new HealthCheckResult(HealthStatus.Healthy, Elapsed(started));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Health check {Check} failed", name);
            var error = ex is OperationCanceledException ? $"timed out after {CheckTimeout.TotalSeconds:0} s" : ex.GetType().Name;
            return new HealthCheckResult(HealthStatus.Unhealthy, Elapsed(started), error);
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
}
