using System.Text.Json;
using System.Text.Json.Serialization;
using Emoty.Domain.Errors;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Sync;

/// <summary>queued → processing → completed; failed only when the batch itself cannot be processed.</summary>
public static class SyncBatchStatuses
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

public static class SyncOperationStatuses
{
    public const string Applied = "applied";
    public const string Merged = "merged";
    public const string Conflict = "conflict";
    public const string Rejected = "rejected";
}

public sealed record SyncAccepted(Guid BatchId, string Status);

public sealed record SyncBatchStatus(Guid BatchId, string ClientId, string Status, RawJson Results, DateTime ReceivedAt, DateTime? CompletedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Problem? Error { get; init; }
}

/// <summary><see cref="Error"/> is the problem of a rejected operation as the HTTP route would have returned it.</summary>
public sealed record SyncOperationResult(Guid OpId, string Status, Guid? Id, string? TempId, int? Version)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PatternResource? Server { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FieldConflict>? Conflicts { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Problem? Error { get; init; }
}

public sealed record SyncChange(Guid Id, string Change)
{
    public const string Upsert = "upsert";
    public const string Delete = "delete";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PatternResource? Pattern { get; init; }
}

/// <summary><see cref="NextCursor"/> is always set: it is where the next poll starts.</summary>
public sealed record SyncChangePage(IReadOnlyList<SyncChange> Changes, string NextCursor, bool HasMore);

/// <summary>Also names patterns an earlier attempt committed, so that their cache entries surely go.</summary>
public sealed record SyncBatchOutcome(Guid BatchId, string Status, IReadOnlyList<Guid> ChangedPatternIds);

/// <summary>A delivery drains the named batch's user: <see cref="Processed"/> is empty when all were finished or in a live worker's hands.</summary>
public sealed record SyncDelivery(Guid BatchId, IReadOnlyList<SyncBatchOutcome> Processed)
{
    /// <summary>Unknown, finished, or another worker's.</summary>
    public const string Skipped = "skipped";

    /// <summary>The message named no batch.</summary>
    public const string Ignored = "ignored";

    public string Status => Processed.FirstOrDefault(batch => batch.BatchId == BatchId)?.Status ?? (BatchId == Guid.Empty ? Ignored : Skipped);

    public IReadOnlyList<Guid> ChangedPatternIds => Processed.SelectMany(batch => batch.ChangedPatternIds).ToArray();
}

public sealed record RecordedOperation
{
    public required Guid OpId { get; init; }
    public required Guid UserId { get; init; }
    public required string Result { get; init; }
    public Guid? PatternId { get; init; }
}

/// <summary><see cref="Operations"/> is read only when the batch is processed.</summary>
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

/// <summary>Results are written once, in the API's snake_case, and served as stored afterwards: a re-sent op_id gets these bytes.</summary>
internal static class SyncJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
