using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Json;
using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging;

namespace Emoty.Domain.Sync;

/// <summary>
/// Offline sync: batches are stored, then queued, then applied in order per user (<see cref="ProcessAsync"/>).
/// An enqueue failure loses nothing: the batch is committed before its message is sent, and <see cref="RecoverAsync"/>
/// sends one for every batch that never got one or stalled. Processing is idempotent, so a message sent twice costs a status check.
/// </summary>
public sealed partial class SyncService(
    Transactions transactions, SyncStore store, SyncFeedStore feed, SyncQueue queue, PatternService patterns, CursorSigner cursors,
    EmotySettings settings, TimeProvider time, ILogger<SyncService> logger)
{
    /// <summary>
    /// Every chunk renews it (chunks commit at most <see cref="ChunkTime"/> apart), and it is shorter than the queue's visibility
    /// timeout (host.json, 10 s), so the message of a worker that died comes back to a lapsed lease and resumes at once.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    /// <summary>By then the POST's own enqueue attempt is over.</summary>
    public static readonly TimeSpan UnsentGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(30);

    /// <summary>host.json's maxDequeueCount is 5 too.</summary>
    public const int MaxAttempts = 5;

    /// <summary>A few milliseconds of work per statement.</summary>
    public const int PruneBatch = 5000;

    public const int RecoveryBatchLimit = 500;

    /// <summary>A batch_id this user already sent is answered with its current status and never applied again.</summary>
    public async Task<SyncAccepted> SubmitAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var request = SyncInput.ParseBatch(body);
        var (batch, inserted) = await store.InsertBatchAsync(request.BatchId, user, request.ClientId, request.OperationsJson, cancellationToken);
        if (batch.UserId != user)
        {
            throw new EmotyException(ProblemCode.Duplicate, "This batch_id is taken; send the batch with a new batch_id.",
                new Dictionary<string, string[]> { ["batch_id"] = ["is already used"] });
        }

        if (inserted || batch is { Status: SyncBatchStatuses.Queued, EnqueuedAt: null })
        {
            await TryEnqueueAsync(batch.BatchId, cancellationToken);
        }

        return new SyncAccepted(batch.BatchId, batch.Status);
    }

    public async Task<SyncBatchStatus> GetStatusAsync(Caller caller, Guid batchId, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var batch = await store.FindBatchAsync(batchId, cancellationToken);
        if (batch is null || batch.UserId != user)
        {
            throw new EmotyException(ProblemCode.NotFound, "No such sync batch, or it is not yours.");
        }

        return new SyncBatchStatus(batch.BatchId, batch.ClientId, batch.Status, new RawJson(batch.Results ?? "[]"), batch.ReceivedAt, batch.CompletedAt)
        {
            Error = batch.Error is { } error ? Problem.For(ProblemCode.InternalError, error) : null,
        };
    }

    /// <summary>
    /// Each entry is the pattern as the caller sees it now, or <c>delete</c> once the caller no longer has it: deleted,
    /// share revoked or expired, favourite removed from a pattern they cannot otherwise keep, or made private under a favourite.
    /// </summary>
    public async Task<SyncChangePage> ChangesAsync(Caller caller, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var (since, limit) = SyncInput.ParseChangesQuery(parameters, cursors);
        await feed.ExpireSharesOfAsync(user, cancellationToken);
        var page = await feed.ReadAsync(user, since, limit + 1, cancellationToken)
            ?? throw new EmotyException(ProblemCode.CursorExpired,
                $"Changes after this cursor are no longer kept (the feed keeps {settings.FeedRetention.TotalDays:0} days); sync again without a cursor.");
        var rows = page.Rows;
        var hasMore = rows.Count > limit;
        if (hasMore)
        {
            rows.RemoveRange(limit, rows.Count - limit);
        }

        var next = (rows.Count > 0 ? rows[^1].Cursor : since).IssuedAt(page.PrunedThrough);
        // A pattern can stand at several positions of a page (a share event and its own change); each
        // would carry the same current state, so only its last position is kept.
        var last = new Dictionary<Guid, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            last[rows[i].PatternId] = i;
        }

        var changes = rows.Where((row, i) => last[row.PatternId] == i).Select(row => ToChange(row, user)).ToArray();
        return new SyncChangePage(changes, next.Encode(cursors), hasMore);
    }

    public async Task<int> PruneFeedAsync(CancellationToken cancellationToken)
    {
        var total = await Pruning.InBatchesAsync((limit, ct) => feed.PruneAsync(settings.FeedRetention, limit, ct), PruneBatch, cancellationToken);

        if (total > 0)
        {
            logger.LogInformation("Pruned {Count} sync feed events older than {Days} days", total, settings.FeedRetention.TotalDays);
        }

        return total;
    }

    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var stranded = await store.FindStrandedAsync(UnsentGrace, ResendAfter, RecoveryBatchLimit, cancellationToken);
        foreach (var batchId in stranded)
        {
            // A queue that is still down fails here; the batches stay stranded for the next run.
            await queue.SendAsync(batchId, cancellationToken);
            await store.MarkEnqueuedAsync(batchId, cancellationToken);
            logger.LogInformation("Re-enqueued stranded sync batch {BatchId}", batchId);
        }

        return stranded.Count;
    }

    private async Task TryEnqueueAsync(Guid batchId, CancellationToken cancellationToken)
    {
        try
        {
            // Bounded by AppQueue.SendTimeout: a queue that does not answer does not hold the client.
            await queue.SendAsync(batchId, cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            // The batch is committed and answers 202: RecoverAsync (or a re-send) enqueues it once the queue is back.
            logger.LogWarning(failure, "Could not enqueue sync batch {BatchId}; it stays queued for the recovery sweep", batchId);
            return;
        }

        await store.MarkEnqueuedAsync(batchId, cancellationToken);
    }

    private static SyncChange ToChange(FeedRow row, Guid user)
    {
        if (row.Pattern is { DeletedAt: null } pattern)
        {
            var permission = PatternService.Resolve(pattern, user);
            // The caller's set: what they own, what is shared with them (live), what they favourited and can still read.
            var kept = permission == Permission.Owner || pattern.SharePermission is not null
                       || (pattern.IsFavorited && AccessPolicy.CanRead(permission));
            if (kept)
            {
                return new SyncChange(row.PatternId, SyncChange.Upsert) { Pattern = pattern with { Permission = permission.ToApi() } };
            }
        }

        return new SyncChange(row.PatternId, SyncChange.Delete);
    }
}
