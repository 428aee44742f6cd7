using System.Diagnostics.CodeAnalysis;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Collections;

public record CollectionResource
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Color { get; init; }
    public required bool IsPublic { get; init; }
    public Guid? ParentId { get; init; }
    public required int PatternCount { get; init; }

    /// <summary>The first four patterns that the viewer can see.</summary>
    public required RawJson PreviewPatterns { get; init; }

    public required int Version { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }

    public string Permission { get; init; } = "";
}

/// <summary><c>patterns_next_cursor</c> goes back as <c>patterns_cursor</c>.</summary>
public sealed record CollectionDetail : CollectionResource
{
    [SetsRequiredMembers]
    public CollectionDetail(CollectionResource collection, IReadOnlyList<PatternResource> patterns, string? patternsNextCursor)
        : base(collection)
    {
        Patterns = patterns;
        PatternsNextCursor = patternsNextCursor;
    }

    public IReadOnlyList<PatternResource> Patterns { get; init; }

    public string? PatternsNextCursor { get; init; }
}

public sealed record CollectionPage(IReadOnlyList<CollectionResource> Data, string? NextCursor);

public sealed record AddPatternsResult(IReadOnlyList<Guid> Added, IReadOnlyList<Guid> Skipped);
