using System.Globalization;
using System.Threading.RateLimiting;
using Emoty.Domain.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Emoty.Domain.Limits;

public enum RequestKind
{
    Read,
    Write,
    Event,
    Sync,
    FailedSignIn,
}

/// <summary>Token buckets: a caller may spend a minute's budget at once and gets it back evenly over the minute.</summary>
public sealed record RateLimitSettings
{
    public int ReadsPerMinute { get; init; } = 600;
    public int WritesPerMinute { get; init; } = 120;
    public int EventsPerMinute { get; init; } = 120;
    public int SyncPerMinute { get; init; } = 30;
    public int FailedSignInsPerFiveMinutes { get; init; } = 20;

    public (int Budget, TimeSpan Over) For(RequestKind kind) => kind switch
    {
        RequestKind.Read => (ReadsPerMinute, TimeSpan.FromMinutes(1)),
        RequestKind.Write => (WritesPerMinute, TimeSpan.FromMinutes(1)),
        RequestKind.Event => (EventsPerMinute, TimeSpan.FromMinutes(1)),
        RequestKind.Sync => (SyncPerMinute, TimeSpan.FromMinutes(1)),
        RequestKind.FailedSignIn => (FailedSignInsPerFiveMinutes, TimeSpan.FromMinutes(5)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of request."),
    };

    public static RateLimitSettings From(IConfiguration configuration)
    {
        var defaults = new RateLimitSettings();
        return new RateLimitSettings
        {
            ReadsPerMinute = Read(configuration, nameof(ReadsPerMinute)) ?? defaults.ReadsPerMinute,
            WritesPerMinute = Read(configuration, nameof(WritesPerMinute)) ?? defaults.WritesPerMinute,
            EventsPerMinute = Read(configuration, nameof(EventsPerMinute)) ?? defaults.EventsPerMinute,
            SyncPerMinute = Read(configuration, nameof(SyncPerMinute)) ?? defaults.SyncPerMinute,
            FailedSignInsPerFiveMinutes = Read(configuration, nameof(FailedSignInsPerFiveMinutes)) ?? defaults.FailedSignInsPerFiveMinutes,
        };
    }

    private static int? Read(IConfiguration configuration, string name) =>
        configuration[$"RateLimits:{name}"] is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new InvalidOperationException($"Setting RateLimits:{name} (RateLimits__{name}) must be a positive whole number.");
}

/// <summary>
/// In Redis so that every instance spends from the same budgets (one script call per request). With Redis down nothing is
/// enforced: the API keeps serving, and the outage is logged once a minute at most.
/// </summary>
public sealed class RateLimits(RedisConnection redis, RateLimitSettings settings, CacheSettings cache, TimeProvider time, ILogger<RateLimits> logger)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PartitionedRateLimiter<(RequestKind Kind, string Who)>? _limiter;
    private long _lastWarningTicks;

    /// <summary>Null when the request may go ahead, else how long to wait.</summary>
    public async Task<TimeSpan?> SpendAsync(RequestKind kind, string who, CancellationToken cancellationToken)
    {
        try
        {
            var limiter = _limiter ?? await CreateAsync();
            using var lease = await limiter.AcquireAsync((kind, who), 1, cancellationToken);
            if (lease.IsAcquired)
            {
                return null;
            }

            Telemetry.EmotyMetrics.RecordRateLimitRejection(kind);
            var (budget, over) = settings.For(kind);
            return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero
                ? retryAfter
                : over / budget;
        }
        catch (Exception failure) when (failure is RedisException or TimeoutException or ObjectDisposedException)
        {
            WarnOnce(failure);
            return null;
        }
    }

    private async Task<PartitionedRateLimiter<(RequestKind Kind, string Who)>> CreateAsync()
    {
        var multiplexer = await redis.GetAsync();
        await _gate.WaitAsync();
        try
        {
            return _limiter ??= PartitionedRateLimiter.Create<(RequestKind Kind, string Who), string>(request =>
            {
                var (budget, over) = settings.For(request.Kind);
                var key = $"{cache.KeyPrefix}rate:{request.Kind.ToString().ToLowerInvariant()}:{request.Who}";
                return RedisRateLimitPartition.GetTokenBucketRateLimiter(key, _ => new RedisTokenBucketRateLimiterOptions
                {
                    ConnectionMultiplexerFactory = () => multiplexer,
                    TokenLimit = budget,
                    // The bucket refills a token at a time, evenly over the period.
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = over / budget,
                });
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    private void WarnOnce(Exception failure)
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarningTicks);
        if (now - last > TimeSpan.TicksPerMinute && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
        {
            logger.LogWarning(failure, "Rate limits are not enforced: Redis cannot be reached");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_limiter is not null)
        {
            await _limiter.DisposeAsync();
        }

        _gate.Dispose();
    }
}
