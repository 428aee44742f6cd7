using Npgsql;
using Polly;
using Polly.Retry;

namespace Emoty.Domain.Persistence;

/// <summary>
/// For a deadlock or serialization failure; each attempt re-reads everything, so a retry never applies stale data. A lost connection
/// is not retried: whether the commit reached the server is unknown, so the caller decides (a 503, or a queue retry op_ids make safe).
/// </summary>
public static class TransientRetry
{
    public static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<PostgresException>(e =>
                e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(20),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();
}
