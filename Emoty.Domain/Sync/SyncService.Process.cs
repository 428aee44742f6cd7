using System.Diagnostics;
using Emoty.Domain.Access;
using Emoty.Domain.Errors;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Emoty.Domain.Sync;

/// <summary>
/// Applying a batch. Each operation runs in a transaction of its own that also records its op_id
/// and result (and its temp_id mapping), so an operation is applied exactly once however often its
/// batch or op_id arrives, a crash halfway keeps what was done, and no row lock is held for longer
/// than one operation (a 1000-operation batch in one transaction would block the HTTP writers of
/// every pattern it touched until its end). Inside that transaction a savepoint surrounds the write:
/// a rejected operation rolls back to it and records its rejection instead.
/// </summary>
public sealed partial class SyncService
{
    private const string Savepoint = "sync_operation";

    private sealed record Applied(string ResultJson, Guid? ChangedPatternId);

    /// <summary>The queue function's entry: a message names a batch; anything else is logged and dropped (no retry can fix it).</summary>
    public async Task<SyncBatchOutcome> ProcessMessageAsync(string message, CancellationToken cancellationToken)
    {
        if (SyncQueue.Parse(message) is not { } batchId)
        {
            logger.LogWarning("Dropped a sync-batches message that names no batch ({Length} characters)", message?.Length ?? 0);
            return new SyncBatchOutcome(Guid.Empty, SyncBatchOutcome.Ignored, []);
        }

        return await ProcessAsync(batchId, cancellationToken);
    }

    /// <summary>
    /// Applies the batch's operations in order and completes it. Safe to call for the same batch any
    /// number of times and from several instances at once: only the one that claims it works on it,
    /// and every operation already recorded is answered from its record.
    /// </summary>
    public async Task<SyncBatchOutcome> ProcessAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var batch = await store.ClaimAsync(batchId, Lease, cancellationToken);
        if (batch is null)
        {
            if (await store.IsWaitingAsync(batchId, cancellationToken))
            {
                // An earlier batch of this user is not finished: come back after it rather than overtake it.
                await queue.SendAsync(batchId, cancellationToken, WaitBehindEarlierBatch);
                await store.MarkEnqueuedAsync(batchId, cancellationToken);
                return new SyncBatchOutcome(batchId, SyncBatchOutcome.Deferred, []);
            }

            // Unknown, already finished, or in the hands of a live worker: nothing to do here.
            return new SyncBatchOutcome(batchId, SyncBatchOutcome.Skipped, []);
        }

        if (batch.Attempts > MaxAttempts)
        {
            return await FailAsync(batch, $"The batch could not be processed in {MaxAttempts} attempts.", []);
        }

        IReadOnlyList<SyncOperation> operations;
        try
        {
            operations = SyncInput.ParseStored(batch.Operations!);
        }
        catch (EmotyException invalid)
        {
            return await FailAsync(batch, $"The stored operations are not valid: {string.Join("; ", invalid.Errors?.Keys ?? [])}", []);
        }

        var results = new List<string>(operations.Count);
        var changed = new List<Guid>();
        try
        {
            foreach (var operation in operations)
            {
                var applied = await ApplyOnceAsync(batch, operation, cancellationToken);
                results.Add(applied.ResultJson);
                // Committed: the changed pattern is final, so cached copies of it go now, not at the batch's end.
                if (applied.ChangedPatternId is { } id)
                {
                    changed.Add(id);
                    await cache.InvalidateAsync([id]);
                }
            }

            await store.CompleteAsync(batch.BatchId, "[" + string.Join(',', results) + "]", cancellationToken);
        }
        catch (Exception failure) when (batch.Attempts >= MaxAttempts && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(failure, "Sync batch {BatchId} failed on its last attempt ({Attempt})", batch.BatchId, batch.Attempts);
            return await FailAsync(batch, $"The batch could not be processed in {MaxAttempts} attempts.", changed);
        }
        catch (Exception)
        {
            await ReleaseAsync(batch.BatchId);
            throw;
        }

        return new SyncBatchOutcome(batch.BatchId, SyncBatchStatuses.Completed, changed);
    }

    private async Task<SyncBatchOutcome> FailAsync(SyncBatchRow batch, string error, IReadOnlyList<Guid> changed)
    {
        logger.LogWarning("Sync batch {BatchId} failed: {Error}", batch.BatchId, error);
        await store.FailAsync(batch.BatchId, error, CancellationToken.None);
        return new SyncBatchOutcome(batch.BatchId, SyncBatchStatuses.Failed, changed);
    }

    /// <summary>Gives a batch whose processing broke off back to the queue's retry; if even that fails, the lease runs out and recovery takes it.</summary>
    private async Task ReleaseAsync(Guid batchId)
    {
        try
        {
            await store.ReleaseAsync(batchId, CancellationToken.None);
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Could not release sync batch {BatchId}; recovery takes it after the lease", batchId);
        }
    }

    private Task<Applied> ApplyOnceAsync(SyncBatchRow batch, SyncOperation operation, CancellationToken cancellationToken) =>
        store.Database.InTransactionAsync(async (connection, transaction) =>
        {
            if (!await SyncStore.ClaimOperationAsync(connection, transaction, operation.OpId, batch.BatchId, batch.UserId, operation.TypeName, cancellationToken))
            {
                var (owner, stored, patternId) = await SyncStore.FindOperationAsync(connection, transaction, operation.OpId, cancellationToken);
                // Its pattern goes out of the cache again: the delivery that applied it may have died before it could.
                return owner == batch.UserId
                    ? new Applied(stored, patternId)
                    : new Applied(SyncJson.Serialize(Rejected(batch, operation,
                        Problem.For(ProblemCode.Duplicate, "This op_id is taken; send the operation with a new op_id."))), null);
            }

            await transaction.SaveAsync(Savepoint, cancellationToken);
            var step = new Step(connection, transaction, batch, operation, cancellationToken);
            SyncOperationResult result;
            Guid? changed;
            try
            {
                (result, changed) = operation.Type switch
                {
                    SyncOperationType.Create => await CreateAsync(step),
                    SyncOperationType.Update => await UpdateAsync(step),
                    _ => await DeleteAsync(step),
                };
            }
            catch (Exception failure) when (AsProblem(failure) is { } problem)
            {
                await transaction.RollbackAsync(Savepoint, cancellationToken);
                (result, changed) = (Rejected(batch, operation, problem), null);
            }

            var json = SyncJson.Serialize(result);
            await SyncStore.RecordOperationAsync(connection, transaction, operation.OpId, result.Status, result.Id, json, cancellationToken);
            return new Applied(json, changed);
        }, cancellationToken);

    /// <summary>One operation being applied, with the transaction it runs in.</summary>
    private sealed record Step(NpgsqlConnection Connection, NpgsqlTransaction Transaction, SyncBatchRow Batch, SyncOperation Operation, CancellationToken CancellationToken)
    {
        public Guid User => Batch.UserId;

        /// <summary>Error paths of this operation start as they did in the POST body.</summary>
        public string Path(string field) => $"operations[{Operation.Index}].{field}.";

        /// <summary>
        /// When the client made the change, for last write wins. A client cannot have edited after its
        /// batch arrived, so a clock running ahead is capped at the arrival time.
        /// </summary>
        public DateTimeOffset ClientTime =>
            Operation.ClientModifiedAt < Utc(Batch.ReceivedAt) ? Operation.ClientModifiedAt : Utc(Batch.ReceivedAt);
    }

    private async Task<(SyncOperationResult, Guid?)> CreateAsync(Step step)
    {
        var (connection, transaction, _, operation, cancellationToken) = step;
        if (operation.TempId is { } tempId)
        {
            await SyncStore.LockTempIdAsync(connection, transaction, step.User, tempId, cancellationToken);
            if (await SyncStore.FindTempIdAsync(connection, transaction, step.User, tempId, cancellationToken) is { } mapped)
            {
                // Created before (by this temp_id under another op_id): that pattern is the answer, not a twin.
                var existing = await PatternStore.FindAsync(connection, transaction, mapped, step.User, cancellationToken, includeDeleted: true);
                return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, mapped, tempId, existing?.Version), null);
            }
        }

        var created = await patterns.CreateAsync(connection, transaction, step.User, operation.Pattern!, step.Path("pattern"), cancellationToken);
        if (operation.TempId is { } newTempId)
        {
            await SyncStore.MapTempIdAsync(connection, transaction, step.User, newTempId, created.Id, cancellationToken);
        }

        return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, created.Id, operation.TempId, created.Version), created.Id);
    }

    /// <summary>
    /// An update based on the current version (or on none) applies as PUT would; one based on an
    /// earlier version is merged three ways with that version's snapshot (<see cref="SyncMerge"/>).
    /// </summary>
    private async Task<(SyncOperationResult, Guid?)> UpdateAsync(Step step)
    {
        var (connection, transaction, _, operation, cancellationToken) = step;
        var (id, tempId) = await ResolveAsync(step);
        var current = await PatternService.LockForSyncAsync(connection, transaction, step.User, id, Permission.Edit, cancellationToken);
        var path = step.Path("changes");
        var precondition = new VersionPrecondition(null, current.Version);
        if (operation.BaseVersion is not { } baseVersion || baseVersion == current.Version)
        {
            var updated = await patterns.UpdateAsync(connection, transaction, step.User, id, operation.Changes!, precondition, path, cancellationToken);
            return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, id, tempId, updated.Version),
                updated.Version != current.Version ? id : null);
        }

        RejectFutureBase(baseVersion, current, step.User);
        var baseline = await PatternService.DraftAtVersionAsync(connection, transaction, current, baseVersion, cancellationToken);
        var server = PatternService.ToDraft(current);
        var client = operation.Changes!.ApplyTo(baseline ?? server, path);
        var merge = SyncMerge.Merge(baseline, server, client, step.ClientTime, Utc(current.UpdatedAt));
        var changes = SyncMerge.ChangesBetween(server, merge.Result);
        var stored = changes.IsEmpty
            ? PatternService.WithPermission(current, step.User)
            : await patterns.UpdateAsync(connection, transaction, step.User, id, changes, precondition, path, cancellationToken);
        var status = merge.Conflicts.Count > 0 ? SyncOperationStatuses.Conflict : SyncOperationStatuses.Merged;
        return (new SyncOperationResult(operation.OpId, status, id, tempId, stored.Version)
        {
            Server = stored,
            Conflicts = merge.Conflicts.Count > 0 ? merge.Conflicts : null,
        }, changes.IsEmpty ? null : id);
    }

    /// <summary>
    /// Soft delete with DELETE's access rules. Deleting what is already deleted succeeds. A delete
    /// based on an earlier version than the current one is last write wins against the edit: when
    /// the server's change is the later one the pattern stays and the result is a conflict.
    /// </summary>
    private async Task<(SyncOperationResult, Guid?)> DeleteAsync(Step step)
    {
        var (connection, transaction, _, operation, cancellationToken) = step;
        var (id, tempId) = await ResolveAsync(step);
        var pattern = await PatternService.LockForSyncDeleteAsync(connection, transaction, step.User, id, cancellationToken);
        if (pattern.DeletedAt is not null)
        {
            return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, id, tempId, pattern.Version), null);
        }

        if (operation.BaseVersion is { } baseVersion && baseVersion != pattern.Version)
        {
            RejectFutureBase(baseVersion, pattern, step.User);
            if (step.ClientTime <= Utc(pattern.UpdatedAt))
            {
                return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Conflict, id, tempId, pattern.Version)
                {
                    Server = pattern,
                    Conflicts = [new FieldConflict("deleted", SyncMerge.ServerWins)],
                }, null);
            }
        }

        await patterns.DeleteAsync(connection, transaction, step.User, id, VersionPrecondition.None, cancellationToken);
        return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, id, tempId, pattern.Version), id);
    }

    /// <summary>
    /// The pattern an update or delete names: a temp_id of this user first (clients may use UUIDs as
    /// temp_ids), else a pattern id. A temp_id whose create has not been applied is 404.
    /// </summary>
    private static async Task<(Guid Id, string? TempId)> ResolveAsync(Step step)
    {
        var target = step.Operation.Target!;
        if (await SyncStore.FindTempIdAsync(step.Connection, step.Transaction, step.User, target, step.CancellationToken) is { } mapped)
        {
            return (mapped, target);
        }

        return Guid.TryParseExact(target, "D", out var id)
            ? (id, null)
            : throw new EmotyException(ProblemCode.NotFound, "No pattern has this temp_id: its create must be applied first, in this batch or an earlier one.");
    }

    private static void RejectFutureBase(int baseVersion, PatternResource current, Guid user)
    {
        if (baseVersion > current.Version)
        {
            throw new EmotyException(ProblemCode.VersionConflict,
                $"base_version {baseVersion} is newer than the current version {current.Version}.")
            { Current = PatternService.WithPermission(current, user) };
        }
    }

    /// <summary>The failures that are the operation's, not the batch's: they reject it and the batch goes on.</summary>
    private static Problem? AsProblem(Exception failure) => failure switch
    {
        EmotyException expected => expected.ToProblem(),
        // The database's copy of the rules caught what validation let through: still the client's data.
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } check =>
            Problem.For(ProblemCode.ValidationFailed, $"The data breaks the rule {check.ConstraintName}."),
        _ => null,
    };

    private static SyncOperationResult Rejected(SyncBatchRow batch, SyncOperation operation, Problem problem)
    {
        Guid? id = Guid.TryParseExact(operation.Target, "D", out var parsed) ? parsed : null;
        var traceId = Activity.Current?.TraceId.ToString() ?? batch.BatchId.ToString("N");
        return new SyncOperationResult(operation.OpId, SyncOperationStatuses.Rejected, id, operation.TempId ?? (id is null ? operation.Target : null), null)
        {
            Error = problem with { TraceId = traceId },
        };
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
