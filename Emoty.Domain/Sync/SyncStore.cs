using Dapper;
using Npgsql;

namespace Emoty.Domain.Sync;

/// <summary>
/// SQL for sync batches (their status moves only through the guarded UPDATEs here), the operations
/// applied exactly once (keyed by op_id) and the per-user temp_id map.
/// </summary>
public sealed class SyncStore(NpgsqlDataSource database)
{
    private const string StatusColumns = """
        batch_id, user_id, client_id, status, results::text AS results, error, attempts,
        received_at, started_at, completed_at, enqueued_at
        """;

    public NpgsqlDataSource Database => database;

    /// <summary>Stores a new batch as queued; when the id is taken, returns the existing row and false.</summary>
    public async Task<(SyncBatchRow Batch, bool Inserted)> InsertBatchAsync(
        Guid batchId, Guid userId, string clientId, string operationsJson, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.QuerySingleOrDefaultAsync<SyncBatchRow>(new CommandDefinition($"""
            INSERT INTO sync_batches (batch_id, user_id, client_id, operations)
            VALUES (@batchId, @userId, @clientId, @operationsJson::jsonb)
            ON CONFLICT (batch_id) DO NOTHING
            RETURNING {StatusColumns}
            """, new { batchId, userId, clientId, operationsJson }, cancellationToken: cancellationToken));
        if (inserted is not null)
        {
            return (inserted, true);
        }

        // ON CONFLICT waited for a concurrent insert of the same id to commit, so the row is there to read.
        var existing = await connection.QuerySingleAsync<SyncBatchRow>(new CommandDefinition(
            $"SELECT {StatusColumns} FROM sync_batches WHERE batch_id = @batchId", new { batchId }, cancellationToken: cancellationToken));
        return (existing, false);
    }

    public async Task<SyncBatchRow?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SyncBatchRow>(new CommandDefinition(
            $"SELECT {StatusColumns} FROM sync_batches WHERE batch_id = @batchId", new { batchId }, cancellationToken: cancellationToken));
    }

    /// <summary>Records that a queue message naming the batch was sent.</summary>
    public async Task MarkEnqueuedAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sync_batches SET enqueued_at = now() WHERE batch_id = @batchId", new { batchId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes the batch for processing: queued, or processing by someone whose lease ran out (a worker
    /// that died), and only once every earlier batch of the same user is finished: a client that
    /// splits its work into batches relies on their order (a temp id created in one and named in the
    /// next; two edits of one pattern). The row lock of the UPDATE makes two claimants queue up; the
    /// second finds the status changed and gets null, so one batch is processed by one instance at a time.
    /// </summary>
    public async Task<SyncBatchRow?> ClaimAsync(Guid batchId, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SyncBatchRow>(new CommandDefinition($"""
            UPDATE sync_batches b
               SET status = 'processing', started_at = now(), attempts = attempts + 1
             WHERE b.batch_id = @batchId
               AND (b.status = 'queued' OR (b.status = 'processing' AND b.started_at < now() - @lease))
               AND NOT EXISTS (
                   SELECT 1 FROM sync_batches o
                   WHERE o.user_id = b.user_id AND o.status IN ('queued', 'processing')
                     AND (o.received_at, o.batch_id) < (b.received_at, b.batch_id))
            RETURNING {StatusColumns}, operations::text AS operations
            """, new { batchId, lease }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether the batch is still queued behind an unfinished earlier batch of its user.</summary>
    public async Task<bool> IsWaitingAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (
                SELECT 1 FROM sync_batches b JOIN sync_batches o ON o.user_id = b.user_id
                WHERE b.batch_id = @batchId AND b.status = 'queued' AND o.status IN ('queued', 'processing')
                  AND (o.received_at, o.batch_id) < (b.received_at, b.batch_id))
            """, new { batchId }, cancellationToken: cancellationToken));
    }

    public async Task CompleteAsync(Guid batchId, string resultsJson, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_batches SET status = 'completed', results = @resultsJson::jsonb, error = NULL, completed_at = now()
             WHERE batch_id = @batchId AND status = 'processing'
            """, new { batchId, resultsJson }, cancellationToken: cancellationToken));
    }

    public async Task FailAsync(Guid batchId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_batches SET status = 'failed', error = @error, completed_at = now()
             WHERE batch_id = @batchId AND status = 'processing'
            """, new { batchId, error }, cancellationToken: cancellationToken));
    }

    /// <summary>Hands a batch whose processing failed back to the queue's retry (the message comes back after its visibility timeout).</summary>
    public async Task ReleaseAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sync_batches SET status = 'queued' WHERE batch_id = @batchId AND status = 'processing'",
            new { batchId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Batches that no message will bring to a worker: queued but never enqueued (the queue was down
    /// when they arrived), or queued or processing without progress for a whole lease since they
    /// were last enqueued (a message lost to the poison queue, a worker that died). Oldest first.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FindStrandedAsync(TimeSpan unsent, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT batch_id FROM sync_batches
            WHERE status IN ('queued', 'processing')
              AND CASE
                    WHEN status = 'queued' AND enqueued_at IS NULL THEN received_at < now() - @unsent
                    WHEN status = 'queued' THEN enqueued_at < now() - @lease
                    ELSE started_at < now() - @lease AND (enqueued_at IS NULL OR enqueued_at < now() - @lease)
                  END
            ORDER BY received_at
            LIMIT @limit
            """, new { unsent, lease, limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    // ---- operations and temp ids (inside the transaction that applies one operation)

    /// <summary>
    /// Claims an op_id for this batch. False when it is taken: applied before (in this or another
    /// batch), or being applied right now by a transaction this one waited for.
    /// </summary>
    internal static async Task<bool> ClaimOperationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid opId, Guid batchId, Guid userId, string type, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_operations (op_id, batch_id, user_id, op_type, status, result)
            VALUES (@opId, @batchId, @userId, @type, 'applied', '{}'::jsonb)
            ON CONFLICT (op_id) DO NOTHING
            """, new { opId, batchId, userId, type }, transaction, cancellationToken: cancellationToken)) == 1;

    internal static Task<(Guid UserId, string Result, Guid? PatternId)> FindOperationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid opId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<(Guid, string, Guid?)>(new CommandDefinition(
            "SELECT user_id, result::text, pattern_id FROM sync_operations WHERE op_id = @opId",
            new { opId }, transaction, cancellationToken: cancellationToken));

    internal static Task RecordOperationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid opId, string status, Guid? patternId, string resultJson, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_operations SET status = @status, pattern_id = @patternId, result = @resultJson::jsonb WHERE op_id = @opId
            """, new { opId, status, patternId, resultJson }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Serialises the creates of one temp_id across batches processed at the same time, so that the
    /// second finds the first's mapping instead of creating a twin. Released with the transaction.
    /// </summary>
    internal static Task LockTempIdAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string tempId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended(@userId::text || '/' || @tempId, 0))",
            new { userId, tempId }, transaction, cancellationToken: cancellationToken));

    internal static Task<Guid?> FindTempIdAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string tempId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT pattern_id FROM sync_temp_ids WHERE user_id = @userId AND temp_id = @tempId",
            new { userId, tempId }, transaction, cancellationToken: cancellationToken));

    internal static Task MapTempIdAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string tempId, Guid patternId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sync_temp_ids (user_id, temp_id, pattern_id) VALUES (@userId, @tempId, @patternId)",
            new { userId, tempId, patternId }, transaction, cancellationToken: cancellationToken));
}
