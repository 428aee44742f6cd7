using System.Diagnostics;
using Emoty.Domain.Access;
using Emoty.Domain.Errors;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Emoty.Domain.Telemetry;
using Microsoft.Extensions.Logging;

namespace Emoty.Domain.Sync;

/// <summary>
/// Applying batches. A delivery drains its batch's user, oldest batch first, under a lease of seconds that every chunk
/// renews: a user's batches run in order, a dead worker lets go within seconds, and one that lost its lease commits nothing.
/// Each chunk's transaction records every op_id with its result, so an operation applies exactly once however often it arrives.
/// </summary>
public sealed partial class SyncService
{
    private const string Savepoint = "sync_operation";

    /// <summary>Each operation writes in a savepoint of its own, and over 64 written subtransactions overflow PostgreSQL's per-backend cache, slowing every snapshot.</summary>
    internal const int ChunkOperations = 50;

    /// <summary>A chunk commits once it has run this long: it holds the row locks of the patterns it wrote, and holds back the changes feed, until then.</summary>
    private static readonly TimeSpan ChunkTime = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one delivery drains its user before it hands the rest to a message of their own (host.json's functionTimeout is 5 minutes).</summary>
    public static readonly TimeSpan DrainBudget = TimeSpan.FromMinutes(2);

    /// <param name="NewStatus">Null when answered from its record, so a re-sent operation is not counted twice.</param>
    private sealed record Applied(string ResultJson, Guid? ChangedPatternId, string? NewStatus = null);

    private sealed record Chunk(List<string> Results, List<Guid> Changed, List<string> NewStatuses);

    /// <summary>A message that names no batch is logged and dropped: no retry can fix it.</summary>
    public async Task<SyncDelivery> ProcessMessageAsync(string message, CancellationToken cancellationToken)
    {
        if (SyncQueue.Parse(message) is not { } batchId)
        {
            logger.LogWarning("Dropped a sync-batches message that names no batch ({Length} characters)", message?.Length ?? 0);
            return new SyncDelivery(Guid.Empty, []);
        }

        return await ProcessAsync(batchId, cancellationToken);
    }

    /// <summary>Safe to repeat, and on several instances at once: only the lease holder works on a batch, and recorded operations answer from their record.</summary>
    public async Task<SyncDelivery> ProcessAsync(Guid batchId, CancellationToken cancellationToken)
    {
        if (await store.FindUserAsync(batchId, cancellationToken) is not { } user)
        {
            return new SyncDelivery(batchId, []);
        }

        var processed = new List<SyncBatchOutcome>();
        var started = time.GetTimestamp();
        var owner = Guid.NewGuid();
        while (await store.ClaimNextAsync(user, owner, Lease, cancellationToken) is { } batch)
        {
            if (await RunAsync(batch, owner, cancellationToken) is not { } outcome)
            {
                // The lease lapsed while this worker was stalled and someone else claimed the batch: it drains on.
                logger.LogWarning("Lost the lease of sync batch {BatchId}; its new holder goes on", batch.BatchId);
                break;
            }

            processed.Add(outcome);
            if (time.GetElapsedTime(started) > DrainBudget)
            {
                await HandOffAsync(batch.BatchId, cancellationToken);
                break;
            }
        }

        return new SyncDelivery(batchId, processed);
    }

    /// <summary>Null when the lease was lost. A failure gives the batch back to the message's retry (or recovery), and on the last attempt fails it.</summary>
    private async Task<SyncBatchOutcome?> RunAsync(SyncBatchRow batch, Guid owner, CancellationToken cancellationToken)
    {
        if (batch.Attempts > MaxAttempts)
        {
            return await FailAsync(batch, owner, $"The batch could not be processed in {MaxAttempts} attempts.", []);
        }

        IReadOnlyList<SyncOperation> operations;
        try
        {
            operations = SyncInput.ParseStored(batch.Operations!);
        }
        catch (EmotyException invalid)
        {
            return await FailAsync(batch, owner, $"The stored operations are not valid: {string.Join("; ", invalid.Errors?.Keys ?? [])}", []);
        }

        var changed = new List<Guid>();
        try
        {
            var recorded = await store.FindRecordedAsync(operations.Select(operation => operation.OpId).ToArray(), cancellationToken);
            var tempIds = new TempIds(await store.FindTempIdsAsync(batch.UserId,
                operations.Select(operation => operation.TempId ?? operation.Target!).Distinct().ToArray(), cancellationToken));
            var results = new List<string>(operations.Count);
            while (results.Count < operations.Count)
            {
                if (await ApplyChunkAsync(batch, owner, operations, results.Count, recorded, tempIds, cancellationToken) is not { } chunk)
                {
                    return null;
                }

                results.AddRange(chunk.Results);
                chunk.NewStatuses.ForEach(EmotyMetrics.RecordSyncOperation);
                // Committed: the chunk's patterns are final, so cached copies of them go now, not at the batch's end.
                if (chunk.Changed.Count > 0)
                {
                    changed.AddRange(chunk.Changed);
                    await patterns.ForgetCachedAsync(chunk.Changed);
                }
            }

            if (!await store.CompleteAsync(batch.BatchId, owner, "[" + string.Join(',', results) + "]", cancellationToken))
            {
                return null;
            }
        }
        catch (Exception failure) when (batch.Attempts >= MaxAttempts && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(failure, "Sync batch {BatchId} failed on its last attempt ({Attempt})", batch.BatchId, batch.Attempts);
            return await FailAsync(batch, owner, $"The batch could not be processed in {MaxAttempts} attempts.", changed);
        }
        catch (Exception)
        {
            await ReleaseAsync(batch.BatchId, owner);
            throw;
        }

        RecordOutcome(batch, SyncBatchStatuses.Completed, operations.Count);
        return new SyncBatchOutcome(batch.BatchId, SyncBatchStatuses.Completed, changed);
    }

    private async Task<SyncBatchOutcome> FailAsync(SyncBatchRow batch, Guid owner, string error, IReadOnlyList<Guid> changed)
    {
        logger.LogWarning("Sync batch {BatchId} failed: {Error}", batch.BatchId, error);
        await store.FailAsync(batch.BatchId, owner, error, CancellationToken.None);
        RecordOutcome(batch, SyncBatchStatuses.Failed, 0);
        return new SyncBatchOutcome(batch.BatchId, SyncBatchStatuses.Failed, changed);
    }

    private void RecordOutcome(SyncBatchRow batch, string outcome, int operations) =>
        EmotyMetrics.RecordSyncBatch(outcome, time.GetUtcNow() - Utc(batch.ReceivedAt), operations);

    /// <summary>Gives a batch whose processing broke off back to the queue's retry; if even that fails, the lease runs out and the retry or recovery takes it.</summary>
    private async Task ReleaseAsync(Guid batchId, Guid owner)
    {
        try
        {
            await store.ReleaseAsync(batchId, owner, CancellationToken.None);
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Could not release sync batch {BatchId}; it is taken again once its lease runs out", batchId);
        }
    }

    /// <summary>Ends a long drain: a message naming the batch just done brings the user's next batches to a fresh invocation.</summary>
    private async Task HandOffAsync(Guid batchId, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendAsync(batchId, cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(failure, "Could not hand the rest of sync batch {BatchId}'s user to a new message; recovery sends one", batchId);
        }
    }

    /// <summary>One transaction; null when the lease is lost. A transient failure (a deadlock with an HTTP writer) runs the whole chunk again.</summary>
    private async Task<Chunk?> ApplyChunkAsync(
        SyncBatchRow batch, Guid owner, IReadOnlyList<SyncOperation> operations, int start,
        IReadOnlyDictionary<Guid, RecordedOperation> recorded, TempIds tempIds, CancellationToken cancellationToken)
    {
        var chunk = await transactions.RunAsync<Chunk?>(async work =>
        {
            tempIds.Forget();
            if (!await store.RenewLeaseAsync(work, batch.BatchId, owner, Lease, cancellationToken))
            {
                return null;
            }

            var chunk = new Chunk([], [], []);
            void Add(Applied applied)
            {
                chunk.Results.Add(applied.ResultJson);
                if (applied.NewStatus is { } status)
                {
                    chunk.NewStatuses.Add(status);
                }

                if (applied.ChangedPatternId is { } id)
                {
                    chunk.Changed.Add(id);
                }
            }

            var began = time.GetTimestamp();
            for (int i = start, written = 0; i < operations.Count && written < ChunkOperations && (i == start || time.GetElapsedTime(began) < ChunkTime);)
            {
                if (recorded.TryGetValue(operations[i].OpId, out var record))
                {
                    Add(Answer(batch, operations[i], record.UserId, record.Result, record.PatternId));
                    i++;
                    continue;
                }

                var run = RunFrom(operations, i, ChunkOperations - written, recorded, tempIds);
                if (run.Count > 1 && await ApplyRunAsync(work, batch, run, tempIds, cancellationToken) is { } together)
                {
                    Array.ForEach(together, Add);
                }
                else
                {
                    // One operation, or a run that could not be made together: one by one, each with its own answer.
                    foreach (var operation in run.Count > 1 ? run : [operations[i]])
                    {
                        Add(await ApplyAsync(new Step(work, batch, operation, tempIds, cancellationToken)));
                    }
                }

                var taken = Math.Max(run.Count, 1);
                i += taken;
                written += taken;
            }

            return chunk;
        }, cancellationToken);
        tempIds.Keep();
        return chunk;
    }

    /// <summary>Read once per batch (only the user's own batches, one at a time, add any); a chunk's own are kept on commit and forgotten on a retry.</summary>
    private sealed class TempIds(Dictionary<string, Guid> committed)
    {
        private readonly Dictionary<string, Guid> _chunk = [];

        public Guid? Find(string tempId) => _chunk.TryGetValue(tempId, out var id) || committed.TryGetValue(tempId, out id) ? id : null;

        public void Add(string tempId, Guid patternId) => _chunk[tempId] = patternId;

        public void Forget() => _chunk.Clear();

        public void Keep()
        {
            foreach (var (tempId, patternId) in _chunk)
            {
                committed[tempId] = patternId;
            }

            _chunk.Clear();
        }
    }

    /// <summary>What one statement can apply from <paramref name="start"/>: creates with no parent to check and no mapped temp_id, or updates of distinct patterns.</summary>
    private static List<SyncOperation> RunFrom(
        IReadOnlyList<SyncOperation> operations, int start, int limit, IReadOnlyDictionary<Guid, RecordedOperation> recorded, TempIds tempIds)
    {
        var run = new List<SyncOperation>();
        var type = operations[start].Type;
        var targets = new HashSet<Guid>();
        for (var i = start; i < operations.Count && run.Count < limit && type != SyncOperationType.Delete; i++)
        {
            var operation = operations[i];
            var fits = operation.Type == type && !recorded.ContainsKey(operation.OpId) && (type == SyncOperationType.Create
                ? operation.Pattern!.ParentPatternId is null && (operation.TempId is not { } tempId || tempIds.Find(tempId) is null)
                : TryResolve(operation, tempIds) is { } target && targets.Add(target.Id));
            if (!fits)
            {
                break;
            }

            run.Add(operation);
        }

        return run;
    }

    /// <summary>
    /// One statement each for a run's patterns, temp_ids and records: a thousand creates cost twenty of each, not a thousand.
    /// Whatever would fail or single out one operation rolls the run back, and null has them applied one by one.
    /// </summary>
    private async Task<Applied[]?> ApplyRunAsync(
        UnitOfWork work, SyncBatchRow batch, List<SyncOperation> run, TempIds tempIds, CancellationToken cancellationToken)
    {
        await work.SaveAsync(Savepoint, cancellationToken);
        try
        {
            var applied = run[0].Type == SyncOperationType.Create
                ? await CreateRunAsync(work, batch, run, tempIds, cancellationToken)
                : await UpdateRunAsync(work, batch, run, tempIds, cancellationToken);
            if (applied is not null)
            {
                return applied;
            }
        }
        catch (Exception failure) when (AsProblem(failure) is not null)
        {
            // Rolled back below; the one-by-one path finds which operation it was.
        }

        await work.RollbackToAsync(Savepoint, cancellationToken);
        return null;
    }

    private async Task<Applied[]?> CreateRunAsync(
        UnitOfWork work, SyncBatchRow batch, List<SyncOperation> run, TempIds tempIds, CancellationToken cancellationToken)
    {
        var created = run.Select(operation => (Id: Guid.NewGuid(), Draft: operation.Pattern!)).ToArray();
        var mapped = run.Select((operation, k) => (operation.TempId, created[k].Id)).Where(pair => pair.TempId is not null).ToArray();
        await patterns.CreateManyAsync(work, batch.UserId, created, cancellationToken);
        await store.MapTempIdsAsync(work, batch.UserId, mapped.Select(pair => pair.TempId!).ToArray(), mapped.Select(pair => pair.Id).ToArray(), cancellationToken);
        var applied = await RecordRunAsync(work, batch, run,
            run.Select((operation, k) => new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, created[k].Id, operation.TempId, PatternService.FirstVersion)).ToArray(),
            cancellationToken);
        if (applied is not null)
        {
            foreach (var (tempId, id) in mapped)
            {
                tempIds.Add(tempId!, id);
            }
        }

        return applied;
    }

    private async Task<Applied[]?> UpdateRunAsync(
        UnitOfWork work, SyncBatchRow batch, List<SyncOperation> run, TempIds tempIds, CancellationToken cancellationToken)
    {
        var targets = run.Select(operation => TryResolve(operation, tempIds)!.Value).ToArray();
        var versions = await patterns.UpdateManyAsync(work, batch.UserId,
            run.Select((operation, k) => (targets[k].Id, operation.BaseVersion, operation.Changes!, OperationPath(operation, "changes"))).ToArray(), cancellationToken);
        return versions is null
            ? null
            : await RecordRunAsync(work, batch, run,
                run.Select((operation, k) => new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, targets[k].Id, targets[k].TempId, versions[targets[k].Id])).ToArray(),
                cancellationToken);
    }

    /// <summary>Null when another batch took one of the op_ids meanwhile.</summary>
    private async Task<Applied[]?> RecordRunAsync(
        UnitOfWork work, SyncBatchRow batch, List<SyncOperation> run, SyncOperationResult[] results, CancellationToken cancellationToken)
    {
        var json = results.Select(SyncJson.Serialize).ToArray();
        var recorded = await store.RecordAppliedAsync(work, batch, run[0].TypeName, run.Select(operation => operation.OpId).ToArray(),
            results.Select(result => result.Id!.Value).ToArray(), json, cancellationToken);
        return recorded < run.Count ? null : results.Select((result, k) => new Applied(json[k], result.Id, result.Status)).ToArray();
    }

    /// <summary>Its user gets the first result again, naming the pattern (the delivery that applied it may have died before dropping its cache entry); anyone else a duplicate.</summary>
    private static Applied Answer(SyncBatchRow batch, SyncOperation operation, Guid recordedFor, string result, Guid? patternId) =>
        recordedFor == batch.UserId
            ? new Applied(result, patternId)
            : new Applied(SyncJson.Serialize(Rejected(batch, operation,
                Problem.For(ProblemCode.Duplicate, "This op_id is taken; send the operation with a new op_id."))), null);

    /// <summary>Only another user's batch can have taken the op_id meanwhile (this user's batches run one at a time); then nothing of this attempt stands.</summary>
    private async Task<Applied> ApplyAsync(Step step)
    {
        var (work, batch, operation, _, cancellationToken) = step;
        await work.SaveAsync(Savepoint, cancellationToken);
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
            await work.RollbackToAsync(Savepoint, cancellationToken);
            (result, changed) = (Rejected(batch, operation, problem), null);
        }

        var json = SyncJson.Serialize(result);
        if (!await store.RecordOperationAsync(work, operation.OpId, batch, operation.TypeName, result.Status, result.Id, json, cancellationToken))
        {
            await work.RollbackToAsync(Savepoint, cancellationToken);
            var (recordedFor, stored, patternId) = await store.FindOperationAsync(work, operation.OpId, cancellationToken);
            return Answer(batch, operation, recordedFor, stored, patternId);
        }

        return new Applied(json, changed, result.Status);
    }

    private sealed record Step(
        UnitOfWork Work, SyncBatchRow Batch, SyncOperation Operation, TempIds TempIds, CancellationToken CancellationToken)
    {
        public Guid User => Batch.UserId;

        /// <summary>Error paths as they were in the POST body.</summary>
        public string Path(string field) => OperationPath(Operation, field);

        /// <summary>For last write wins; a client cannot have edited after its batch arrived, so a clock running ahead is capped there.</summary>
        public DateTimeOffset ClientTime =>
            Operation.ClientModifiedAt < Utc(Batch.ReceivedAt) ? Operation.ClientModifiedAt : Utc(Batch.ReceivedAt);
    }

    private async Task<(SyncOperationResult, Guid?)> CreateAsync(Step step)
    {
        var (work, _, operation, tempIds, cancellationToken) = step;
        if (operation.TempId is { } tempId)
        {
            if (tempIds.Find(tempId) is { } mapped)
            {
                // Created before (by this temp_id under another op_id): that pattern is the answer, not a twin.
                var existing = await patterns.FindIncludingDeletedAsync(work, step.User, mapped, cancellationToken);
                return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, mapped, tempId, existing?.Version), null);
            }
        }

        var created = await patterns.CreateAsync(work, step.User, operation.Pattern!, step.Path("pattern"), cancellationToken);
        if (operation.TempId is { } newTempId)
        {
            await store.MapTempIdAsync(work, step.User, newTempId, created.Id, cancellationToken);
            tempIds.Add(newTempId, created.Id);
        }

        return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, created.Id, operation.TempId, created.Version), created.Id);
    }

    /// <summary>On the current version (or none) it applies as PUT would; on an earlier one it is merged three ways (<see cref="SyncMerge"/>).</summary>
    private async Task<(SyncOperationResult, Guid?)> UpdateAsync(Step step)
    {
        var (work, _, operation, _, cancellationToken) = step;
        var (id, tempId) = Resolve(step);
        var current = await patterns.LockAsync(work, step.User, id, Permission.Edit, cancellationToken);
        var path = step.Path("changes");
        var precondition = new VersionPrecondition(null, current.Version);
        if (operation.BaseVersion is not { } baseVersion || baseVersion == current.Version)
        {
            var updated = await patterns.UpdateLockedAsync(work, step.User, current, operation.Changes!, precondition, path, cancellationToken);
            return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, id, tempId, updated.Version),
                updated.Version != current.Version ? id : null);
        }

        RejectFutureBase(baseVersion, current, step.User);
        var baseline = await patterns.DraftAtVersionAsync(work, current, baseVersion, cancellationToken);
        var server = PatternService.ToDraft(current);
        var client = operation.Changes!.ApplyTo(baseline ?? server, path);
        var merge = SyncMerge.Merge(baseline, server, client, step.ClientTime, Utc(current.UpdatedAt));
        var changes = SyncMerge.ChangesBetween(server, merge.Result);
        var stored = changes.IsEmpty
            ? PatternService.WithPermission(current, step.User)
            : await patterns.UpdateLockedAsync(work, step.User, current, changes, precondition, path, cancellationToken);
        var status = merge.Conflicts.Count > 0 ? SyncOperationStatuses.Conflict : SyncOperationStatuses.Merged;
        return (new SyncOperationResult(operation.OpId, status, id, tempId, stored.Version)
        {
            Server = stored,
            Conflicts = merge.Conflicts.Count > 0 ? merge.Conflicts : null,
        }, changes.IsEmpty ? null : id);
    }

    /// <summary>Deleting the deleted succeeds. A delete based on an older version loses to a later server edit: a conflict, and the pattern stays.</summary>
    private async Task<(SyncOperationResult, Guid?)> DeleteAsync(Step step)
    {
        var (work, _, operation, _, cancellationToken) = step;
        var (id, tempId) = Resolve(step);
        var pattern = await patterns.LockForSyncDeleteAsync(work, step.User, id, cancellationToken);
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

        await patterns.DeleteAsync(work, step.User, id, VersionPrecondition.None, cancellationToken);
        return (new SyncOperationResult(operation.OpId, SyncOperationStatuses.Applied, id, tempId, pattern.Version), id);
    }

    /// <summary>A temp_id of this user first (clients may use UUIDs as temp_ids), else a pattern id.</summary>
    private static (Guid Id, string? TempId) Resolve(Step step) =>
        TryResolve(step.Operation, step.TempIds)
        ?? throw new EmotyException(ProblemCode.NotFound, "No pattern has this temp_id: its create must be applied first, in this batch or an earlier one.");

    private static (Guid Id, string? TempId)? TryResolve(SyncOperation operation, TempIds tempIds)
    {
        var target = operation.Target!;
        if (tempIds.Find(target) is { } mapped)
        {
            return (mapped, target);
        }

        return Guid.TryParseExact(target, "D", out var id) ? (id, null) : null;
    }

    private static string OperationPath(SyncOperation operation, string field) => $"operations[{operation.Index}].{field}.";

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
        _ => DatabaseRules.Broken(failure),
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
