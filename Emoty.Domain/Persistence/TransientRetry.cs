using Npgsql;
using Polly;
using Polly.Retry;

namespace Emoty.Domain.Persistence;

/// <summary>
/// Retries a whole transaction when PostgreSQL aborted it for reasons that a second attempt cures:
/// a deadlock between two writers, a serialization failure, or a connection that was dropped
/// before anything was sent. Each attempt re-reads everything, so a retry never applies stale data.
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
