using Npgsql;
using Polly;
using Polly.Retry;

namespace Emoty.Domain.Persistence;

/// <summary>
/// Retries a whole transaction when PostgreSQL aborted it for reasons that a second attempt cures:
/// a deadlock between two writers or a serialization failure. Each attempt re-reads everything, so
/// a retry never applies stale data. A lost connection is not retried here: whether the commit
/// reached the server is unknown, so the failure goes to the caller (a 503, or a queue retry that
/// the op_id records make safe).
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
