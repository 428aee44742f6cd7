using System.Diagnostics.CodeAnalysis;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Collections;

/// <summary>A collection as the API returns it (api.md "Collections").</summary>
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

    /// <summary>The first four patterns (by position) that the viewer can see: id, name, size, palette_id, sequence.</summary>
    public required RawJson PreviewPatterns { get; init; }

    public required int Version { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }

    /// <summary>The viewer's: <c>owner</c>, or <c>view</c> for someone else's public collection.</summary>
    public string Permission { get; init; } = "";
}

/// <summary>
/// GET /api/collections/{id}: the collection's fields plus one page of the patterns in it that the
/// viewer may see; <c>patterns_next_cursor</c> goes back as <c>patterns_cursor</c>.
/// </summary>
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
