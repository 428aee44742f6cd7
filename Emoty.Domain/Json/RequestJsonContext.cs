using System.Text.Json.Serialization;
using Emoty.Domain.Analytics;
using Emoty.Domain.Collections;
using Emoty.Domain.Patterns;
using Emoty.Domain.Sharing;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Json;

/// <summary>
/// Strict: names exactly as api.md spells them (case-sensitive), duplicates and unmapped members refused.
/// Types behind a <see cref="Field{T}"/> are listed too: its converter reads them by type info.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = 32)]
[JsonSerializable(typeof(UsageEventsRequest))]
[JsonSerializable(typeof(List<Field<UsageEventItem>>))]
[JsonSerializable(typeof(UsageEventItem))]
[JsonSerializable(typeof(CollectionRequest))]
[JsonSerializable(typeof(PatternIdsRequest))]
[JsonSerializable(typeof(List<Field<string>>))]
[JsonSerializable(typeof(ShareRequest))]
[JsonSerializable(typeof(ShareLinkRequest))]
[JsonSerializable(typeof(PatternRequest))]
[JsonSerializable(typeof(SequenceRequest))]
[JsonSerializable(typeof(PositionedSequenceRequest))]
[JsonSerializable(typeof(List<Field<CellRequest>>))]
[JsonSerializable(typeof(CellRequest))]
[JsonSerializable(typeof(PositionRequest))]
[JsonSerializable(typeof(BatchRequest))]
[JsonSerializable(typeof(List<Field<BatchOperationRequest>>))]
[JsonSerializable(typeof(BatchOperationRequest))]
[JsonSerializable(typeof(SyncRequest))]
[JsonSerializable(typeof(List<Field<SyncOperationRequest>>))]
[JsonSerializable(typeof(SyncOperationRequest))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;
