using System.Text.Json;
using System.Text.Json.Serialization;
using Emoty.Domain.Errors;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Sync;

/// <summary>A batch's life: queued → processing → completed, or failed when the batch itself cannot be processed.</summary>
public static class SyncBatchStatuses
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>What happened to one operation (api.md, Offline sync).</summary>
public static class SyncOperationStatuses
{
    public const string Applied = "applied";
    public const string Merged = "merged";
    public const string Conflict = "conflict";
    public const string Rejected = "rejected";
}

/// <summary>POST /api/sync → 202: the batch and its status (queued when new; the current one when re-sent).</summary>
public sealed record SyncAccepted(Guid BatchId, string Status);

/// <summary>GET /api/sync/{batch_id}. <see cref="Results"/> holds one result per operation, in order, once completed.</summary>
public sealed record SyncBatchStatus(Guid BatchId, string ClientId, string Status, RawJson Results, DateTime ReceivedAt, DateTime? CompletedAt)
{
    /// <summary>Failed batches: why the batch could not be processed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Problem? Error { get; init; }
}

/// <summary>
/// One operation's result. <see cref="TempId"/> is the temp_id the operation created or named;
/// <see cref="Server"/> is the pattern as stored after a merge or conflict; <see cref="Error"/> is
/// the problem of a rejected operation, as the HTTP route would have returned it.
/// </summary>
public sealed record SyncOperationResult(Guid OpId, string Status, Guid? Id, string? TempId, int? Version)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PatternResource? Server { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FieldConflict>? Conflicts { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Problem? Error { get; init; }
}

/// <summary>One entry of the changes feed: the pattern as the caller sees it now, or a tombstone.</summary>
public sealed record SyncChange(Guid Id, string Change)
{
    public const string Upsert = "upsert";
    public const string Delete = "delete";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PatternResource? Pattern { get; init; }
}

/// <summary>GET /api/sync/changes. <see cref="NextCursor"/> is always set: it is where the next poll starts.</summary>
public sealed record SyncChangePage(IReadOnlyList<SyncChange> Changes, string NextCursor, bool HasMore);

/// <summary>
/// What one batch's processing ended in: its final status, and the patterns whose writes it
/// committed or found committed by an earlier attempt (named again so that their cache entries surely go).
/// </summary>
public sealed record SyncBatchOutcome(Guid BatchId, string Status, IReadOnlyList<Guid> ChangedPatternIds);

/// <summary>
/// What one queue message did. A message names a batch, and its delivery drains that batch's user:
/// <see cref="Processed"/> are the user's batches it took, in order. None when they were all
/// finished or in a live worker's hands (whose drain takes the named batch too).
/// </summary>
public sealed record SyncDelivery(Guid BatchId, IReadOnlyList<SyncBatchOutcome> Processed)
{
    /// <summary>Neither processed nor in need of it here: unknown, finished, or another worker's.</summary>
    public const string Skipped = "skipped";

    /// <summary>The message named no batch.</summary>
    public const string Ignored = "ignored";

    /// <summary>The named batch's final status when this delivery processed it, else <see cref="Skipped"/> or <see cref="Ignored"/>.</summary>
    public string Status => Processed.FirstOrDefault(batch => batch.BatchId == BatchId)?.Status ?? (BatchId == Guid.Empty ? Ignored : Skipped);

    public IReadOnlyList<Guid> ChangedPatternIds => Processed.SelectMany(batch => batch.ChangedPatternIds).ToArray();
}

/// <summary>An operation's recorded result (sync_operations), whichever batch applied it.</summary>
public sealed record RecordedOperation
{
    public required Guid OpId { get; init; }
    public required Guid UserId { get; init; }
    public required string Result { get; init; }
    public Guid? PatternId { get; init; }
}

/// <summary>A row of sync_batches. <see cref="Operations"/> is read only when the batch is processed.</summary>
public sealed record SyncBatchRow
{
    public required Guid BatchId { get; init; }
    public required Guid UserId { get; init; }
    public required string ClientId { get; init; }
    public required string Status { get; init; }
    public string? Operations { get; init; }
    public string? Results { get; init; }
    public string? Error { get; init; }
    public required int Attempts { get; init; }
    public required DateTime ReceivedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public DateTime? EnqueuedAt { get; init; }
}

/// <summary>
/// The JSON of results stored in sync_operations and sync_batches: the API's snake_case, written
/// once when an operation is applied and served as it is afterwards (a re-sent op_id gets these bytes).
/// </summary>
internal static class SyncJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
