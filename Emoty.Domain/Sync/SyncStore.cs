using Emoty.Domain.Persistence;
using Dapper;
using Npgsql;

namespace Emoty.Domain.Sync;

/// <summary>A batch's status moves only through the guarded UPDATEs here; operations are recorded once per op_id.</summary>
public sealed class SyncStore(NpgsqlDataSource database)
{
    private const string StatusColumns = """
        batch_id, user_id, client_id, status, results::text AS results, error, attempts,
        received_at, started_at, completed_at, enqueued_at
        """;

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

    public async Task MarkEnqueuedAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sync_batches SET enqueued_at = now() WHERE batch_id = @batchId", new { batchId }, cancellationToken: cancellationToken));
    }

    public async Task<Guid?> FindUserAsync(Guid batchId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT user_id FROM sync_batches WHERE batch_id = @batchId", new { batchId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Only the user's oldest unfinished batch, so their batches run one at a time and in order: a client relies on that
    /// (a temp id created in one batch and named in the next). Null when it is in a live worker's hands, or there is none.
    /// Two claimants queue up on the UPDATE's row lock, and the second finds the lease taken.
    /// </summary>
    public async Task<SyncBatchRow?> ClaimNextAsync(Guid userId, Guid owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SyncBatchRow>(new CommandDefinition($"""
            UPDATE sync_batches b
               SET status = 'processing', started_at = now(), attempts = attempts + 1,
                   lease_owner = @owner, lease_expires_at = now() + @lease
             WHERE b.batch_id = (
                   SELECT o.batch_id FROM sync_batches o
                    WHERE o.user_id = @userId AND o.status IN ('queued', 'processing')
                    ORDER BY o.received_at, o.batch_id
                    LIMIT 1)
               AND (b.status = 'queued' OR (b.status = 'processing' AND b.lease_expires_at < now()))
            RETURNING {StatusColumns}, operations::text AS operations
            """, new { userId, owner, lease }, cancellationToken: cancellationToken));
    }

    /// <summary>By any batch of any user: a resumed batch answers them from here without a transaction each.</summary>
    public async Task<Dictionary<Guid, RecordedOperation>> FindRecordedAsync(Guid[] opIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RecordedOperation>(new CommandDefinition(
            "SELECT op_id, user_id, result::text AS result, pattern_id FROM sync_operations WHERE op_id = ANY(@opIds)",
            new { opIds }, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.OpId);
    }

    /// <summary>False when the lease is someone else's now: the chunk must not commit. The row stays locked until the chunk commits, so nobody claims it meanwhile.</summary>
    internal async Task<bool> RenewLeaseAsync(
        UnitOfWork work, Guid batchId, Guid owner, TimeSpan lease, CancellationToken cancellationToken) =>
        await work.ExecuteAsync("""
            UPDATE sync_batches SET lease_expires_at = now() + @lease
             WHERE batch_id = @batchId AND status = 'processing' AND lease_owner = @owner
            """, new { batchId, owner, lease }, cancellationToken) == 1;

    /// <summary>False when the owner had lost its lease (the new owner completes it).</summary>
    public async Task<bool> CompleteAsync(Guid batchId, Guid owner, string resultsJson, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_batches SET status = 'completed', results = @resultsJson::jsonb, error = NULL, completed_at = now(), lease_owner = NULL
             WHERE batch_id = @batchId AND status = 'processing' AND lease_owner = @owner
            """, new { batchId, owner, resultsJson }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task FailAsync(Guid batchId, Guid owner, string error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_batches SET status = 'failed', error = @error, completed_at = now(), lease_owner = NULL
             WHERE batch_id = @batchId AND status = 'processing' AND lease_owner = @owner
            """, new { batchId, owner, error }, cancellationToken: cancellationToken));
    }

    /// <summary>For the queue's retry: the message comes back after its visibility timeout.</summary>
    public async Task ReleaseAsync(Guid batchId, Guid owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_batches SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
             WHERE batch_id = @batchId AND status = 'processing' AND lease_owner = @owner
            """, new { batchId, owner }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The oldest unfinished batch of each user that no message will bring to a worker: never enqueued (the queue was down), or not named
    /// for <paramref name="resend"/> (a message lost to the poison queue, a dead worker). One per user is enough: its taker drains the user.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FindStrandedAsync(TimeSpan unsent, TimeSpan resend, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition("""
            WITH heads AS (
                SELECT DISTINCT ON (user_id) batch_id, status, received_at, enqueued_at, lease_expires_at
                  FROM sync_batches
                 WHERE status IN ('queued', 'processing')
                 ORDER BY user_id, received_at, batch_id)
            SELECT batch_id FROM heads
             WHERE CASE
                     WHEN status = 'processing' AND lease_expires_at >= now() THEN false
                     WHEN status = 'queued' AND enqueued_at IS NULL THEN received_at < now() - @unsent
                     ELSE enqueued_at IS NULL OR enqueued_at < now() - @resend
                   END
             ORDER BY received_at
             LIMIT @limit
            """, new { unsent, resend, limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    // ---- operations and temp ids (most inside a chunk's transaction)

    internal Task<(Guid UserId, string Result, Guid? PatternId)> FindOperationAsync(
        UnitOfWork work, Guid opId, CancellationToken cancellationToken) =>
        work.QuerySingleAsync<(Guid, string, Guid?)>(
            "SELECT user_id, result::text, pattern_id FROM sync_operations WHERE op_id = @opId",
            new { opId }, cancellationToken);

    /// <summary>False when the op_id is taken.</summary>
    internal async Task<bool> RecordOperationAsync(
        UnitOfWork work, Guid opId, SyncBatchRow batch, string type, string status, Guid? patternId,
        string resultJson, CancellationToken cancellationToken) =>
        await work.ExecuteAsync("""
            INSERT INTO sync_operations (op_id, batch_id, user_id, op_type, status, pattern_id, result)
            VALUES (@opId, @BatchId, @UserId, @type, @status, @patternId, @resultJson::jsonb)
            ON CONFLICT (op_id) DO NOTHING
            """, new { opId, batch.BatchId, batch.UserId, type, status, patternId, resultJson }, cancellationToken) == 1;

    /// <summary>Returns how many were recorded: fewer when an op_id is taken.</summary>
    internal Task<int> RecordAppliedAsync(
        UnitOfWork work, SyncBatchRow batch, string type, Guid[] opIds, Guid[] patternIds, string[] results,
        CancellationToken cancellationToken) =>
        work.ExecuteAsync("""
            INSERT INTO sync_operations (op_id, batch_id, user_id, op_type, status, pattern_id, result)
            SELECT r.op_id, @BatchId, @UserId, @type, 'applied', r.pattern_id, r.result
            FROM unnest(@opIds::uuid[], @patternIds::uuid[], @results::jsonb[]) AS r(op_id, pattern_id, result)
            ON CONFLICT (op_id) DO NOTHING
            """, new { batch.BatchId, batch.UserId, type, opIds, patternIds, results }, cancellationToken);

    internal Task MapTempIdsAsync(
        UnitOfWork work, Guid userId, string[] tempIds, Guid[] patternIds, CancellationToken cancellationToken) =>
        work.ExecuteAsync("""
            INSERT INTO sync_temp_ids (user_id, temp_id, pattern_id)
            SELECT @userId, t.temp_id, t.pattern_id FROM unnest(@tempIds::text[], @patternIds::uuid[]) AS t(temp_id, pattern_id)
            """, new { userId, tempIds, patternIds }, cancellationToken);

    public async Task<Dictionary<string, Guid>> FindTempIdsAsync(Guid userId, string[] tempIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string TempId, Guid PatternId)>(new CommandDefinition(
            "SELECT temp_id, pattern_id FROM sync_temp_ids WHERE user_id = @userId AND temp_id = ANY(@tempIds)",
            new { userId, tempIds }, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.TempId, row => row.PatternId);
    }

    internal Task MapTempIdAsync(UnitOfWork work, Guid userId, string tempId, Guid patternId, CancellationToken cancellationToken) =>
        work.ExecuteAsync(
            "INSERT INTO sync_temp_ids (user_id, temp_id, pattern_id) VALUES (@userId, @tempId, @patternId)",
            new { userId, tempId, patternId }, cancellationToken);
}
