using System.Diagnostics;
using System.Diagnostics.Metrics;
using Emoty.Domain.Errors;
using Emoty.Domain.Limits;

namespace Emoty.Domain.Telemetry;

/// <summary>
/// Every instrument of the app's own meter, in one place (README, Metrics, names each one). Static:
/// any code records with one call and no constructor changes, and OpenTelemetry (or any
/// MeterListener) subscribes by <see cref="MeterName"/>. Recording with no listener costs a check.
/// Tag values are closed lists (levels, outcomes, codes, budgets), never ids, so series stay few.
/// </summary>
public static class EmotyMetrics
{
    public const string MeterName = "Emoty";

    private static readonly Meter Meter = new(MeterName, "1.0");

    // Bucket bounds that resolve the targets of issue 13 (a batch in 2 s, p99 3 s, 15 s after a
    // fault, 60 s after a queue outage); the SDK's default ones start at 5 s.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300, 600],
    };

    private static readonly InstrumentAdvice<long> OperationCounts = new()
    {
        HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    };

    private static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>(
        "emoty.cache.lookups", "{lookup}", "Cache lookups by level (memory = L1, redis = L2) and result (hit, miss).");

    private static readonly Counter<long> CacheDatabaseReads = Meter.CreateCounter<long>(
        "emoty.cache.database_reads", "{read}", "Cached reads that reached PostgreSQL: both levels missed, or the cache was bypassed while Redis was down.");

    private static readonly Counter<long> SyncBatches = Meter.CreateCounter<long>(
        "emoty.sync.batches", "{batch}", "Sync batches finished by a worker, by outcome.");

    private static readonly Histogram<double> SyncBatchDuration = Meter.CreateHistogram<double>(
        "emoty.sync.batch.duration", "s", "Time from a sync batch's receipt (POST /api/sync) to its outcome, by outcome.", advice: Seconds);

    private static readonly Histogram<long> SyncBatchOperations = Meter.CreateHistogram<long>(
        "emoty.sync.batch.operations", "{operation}", "Operations per finished sync batch, by outcome.", advice: OperationCounts);

    private static readonly Counter<long> SyncOperations = Meter.CreateCounter<long>(
        "emoty.sync.operations", "{operation}", "Sync operations applied by a worker, by status (applied, merged, conflict, rejected).");

    private static readonly Histogram<double> QueueMessageAge = Meter.CreateHistogram<double>(
        "emoty.queue.message.age", "s", "Time a queue message waited from its insertion to its dequeue, by queue.", advice: Seconds);

    private static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "emoty.rate_limit.rejections", "{request}", "Requests refused with 429 because the caller's budget was spent, by budget.");

    private static readonly Counter<long> Problems = Meter.CreateCounter<long>(
        "emoty.http.problems", "{response}", "Problem responses (application/problem+json) by code and status.");

    /// <summary>Levels of <c>emoty.cache.lookups</c>.</summary>
    public static class CacheLevel
    {
        public const string Memory = "memory";
        public const string Redis = "redis";
    }

    public static void RecordCacheLookup(string level, bool hit) =>
        CacheLookups.Add(1, new TagList { { "level", level }, { "result", hit ? "hit" : "miss" } });

    public static void RecordCacheDatabaseRead() => CacheDatabaseReads.Add(1);

    /// <summary>
    /// A sync batch was finished by a worker (completed or failed). <paramref name="sinceReceived"/>
    /// is from the batch's receipt (its <c>received_at</c>) to now.
    /// </summary>
    public static void RecordSyncBatch(string outcome, TimeSpan sinceReceived, int operations)
    {
        var tags = new TagList { { "outcome", outcome } };
        SyncBatches.Add(1, tags);
        SyncBatchDuration.Record(Math.Max(0, sinceReceived.TotalSeconds), tags);
        SyncBatchOperations.Record(operations, tags);
    }

    /// <summary>One operation of a batch got its result (its <c>status</c>: applied, merged, conflict, rejected).</summary>
    public static void RecordSyncOperation(string status) =>
        SyncOperations.Add(1, new TagList { { "status", status } });

    /// <summary>At dequeue: how long the message waited since it was inserted (clock skew between hosts reads as 0).</summary>
    public static void RecordQueueMessageAge(string queue, DateTimeOffset? insertedAt, TimeProvider? time = null)
    {
        if (insertedAt is not { } inserted)
        {
            return;
        }

        var age = (time ?? TimeProvider.System).GetUtcNow() - inserted;
        QueueMessageAge.Record(Math.Max(0, age.TotalSeconds), new TagList { { "queue", queue } });
    }

    public static void RecordRateLimitRejection(RequestKind kind) =>
        RateLimitRejections.Add(1, new TagList { { "budget", BudgetName(kind) } });

    /// <summary>Counts a problem document as it is written (HttpJson.ProblemAsync, the one writer of them).</summary>
    public static void RecordProblem(Problem problem) =>
        Problems.Add(1, new TagList { { "code", problem.Code }, { "status", problem.Status } });

    /// <summary>The budget tag: the setting's own word (RateLimits__ReadsPerMinute is "reads").</summary>
    public static string BudgetName(RequestKind kind) => kind switch
    {
        RequestKind.Read => "reads",
        RequestKind.Write => "writes",
        RequestKind.Event => "events",
        RequestKind.Sync => "sync",
        RequestKind.FailedSignIn => "failed_sign_ins",
        _ => "other",
    };
}
