using Emoty.Domain.Json;

namespace Emoty.Domain.Patterns;

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
    /// <summary>The pattern's updated_at at the time.</summary>
    public required DateTime CreatedAt { get; init; }
}
