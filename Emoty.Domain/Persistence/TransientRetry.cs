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

    /// <summary>
    /// Runs <paramref name="work"/> in one read-committed transaction, the whole of it again on a
    /// transient failure. Every such transaction is one of the sync feed's writers (<see cref="FeedWriters"/>):
    /// the app's writes are short, and joining costs one statement.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this NpgsqlDataSource database, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(async ct =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await FeedWriters.JoinAsync(connection, transaction, ct);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken).AsTask();

    /// <inheritdoc cref="InTransactionAsync{T}"/>
    public static Task InTransactionAsync(this NpgsqlDataSource database, Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) => { await work(connection, transaction); return true; }, cancellationToken);
}
