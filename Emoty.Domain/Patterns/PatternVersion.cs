using Emoty.Domain.Json;

namespace Emoty.Domain.Patterns;

/// <summary>An earlier version of a pattern (GET /api/patterns/{id}/versions): the content as it was.</summary>
public sealed record PatternVersion
{
    public required Guid PatternId { get; init; }
    public required int Version { get; init; }
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
    public Guid? ChangedBy { get; init; }
    /// <summary>When this version was written (the pattern's updated_at at the time).</summary>
    public required DateTime CreatedAt { get; init; }
}
