using System.Text.Json.Serialization;
using Emoty.Domain.Json;

namespace Emoty.Domain.Patterns;

/// <summary>As one caller sees it.</summary>
public sealed record PatternResource
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required RawJson Sequence { get; init; }
    public required string PaletteId { get; init; }
    public required int Size { get; init; }
    public required string[] Tags { get; init; }
    public required short DifficultyRating { get; init; }
    public required decimal ComplexityScore { get; init; }
    public required int EstimatedTimeMinutes { get; init; }
    public required bool IsPublic { get; init; }
    public required bool IsAiGenerated { get; init; }
    public string? GenerationPrompt { get; init; }
    public Guid? ParentPatternId { get; init; }
    public required int Version { get; init; }
    public required long ViewCount { get; init; }
    public required long LikeCount { get; init; }
    public required long ShareCount { get; init; }
    public required long DownloadCount { get; init; }
    public required bool IsFavorited { get; init; }
    public required string Permission { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }

    /// <summary>The caller's live share, read with the row; policy input only.</summary>
    [JsonIgnore]
    public string? SharePermission { get; init; }

    [JsonIgnore]
    public DateTime? DeletedAt { get; init; }

    /// <summary>In the collection being listed: its keyset cursor's value.</summary>
    [JsonIgnore]
    public int? Position { get; init; }

    /// <summary>In a relevance search: the keyset cursor's value.</summary>
    [JsonIgnore]
    public long? Rank { get; init; }
}
