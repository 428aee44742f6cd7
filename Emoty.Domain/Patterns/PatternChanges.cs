namespace Emoty.Domain.Patterns;

/// <summary>Rules that need the current pattern (a new sequence against its size, a smaller size against its sequence) are checked by <see cref="ApplyTo"/>.</summary>
public sealed record PatternChanges
{
    public Optional<string> Name { get; init; }

    /// <summary>Set to null clears the description.</summary>
    public Optional<string?> Description { get; init; }

    /// <summary>Replaces the whole sequence, metadata included.</summary>
    public Optional<PatternSequence> Sequence { get; init; }

    public Optional<string> PaletteId { get; init; }
    public Optional<int> Size { get; init; }
    public Optional<IReadOnlyList<string>> Tags { get; init; }
    public Optional<int> DifficultyRating { get; init; }

    /// <summary>Set to null hands the estimate back to the server.</summary>
    public Optional<int?> EstimatedTimeMinutes { get; init; }

    public Optional<bool> IsPublic { get; init; }
    public Optional<bool> IsAiGenerated { get; init; }
    public Optional<string?> GenerationPrompt { get; init; }
    public Optional<Guid?> ParentPatternId { get; init; }

    public int? Version { get; init; }

    /// <summary>Snake_case names, without <c>version</c>, in a fixed order.</summary>
    public IReadOnlyList<string> ChangedFields
    {
        get
        {
            var fields = new List<string>(12);
            Add(Name.IsSet, "name");
            Add(Description.IsSet, "description");
            Add(Sequence.IsSet, "sequence");
            Add(PaletteId.IsSet, "palette_id");
            Add(Size.IsSet, "size");
            Add(Tags.IsSet, "tags");
            Add(DifficultyRating.IsSet, "difficulty_rating");
            Add(EstimatedTimeMinutes.IsSet, "estimated_time_minutes");
            Add(IsPublic.IsSet, "is_public");
            Add(IsAiGenerated.IsSet, "is_ai_generated");
            Add(GenerationPrompt.IsSet, "generation_prompt");
            Add(ParentPatternId.IsSet, "parent_pattern_id");
            return fields;

            void Add(bool isSet, string name)
            {
                if (isSet)
                {
                    fields.Add(name);
                }
            }
        }
    }

    public bool IsEmpty => ChangedFields.Count == 0;

    /// <summary>Validated as a whole. A concentric sequence without <c>size</c> resizes the grid to 2n−1; a positioned one keeps the current size.</summary>
    public PatternDraft ApplyTo(PatternDraft current, string pathPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(current);
        var size = Size.IsSet ? Size.Value
            : Sequence.IsSet && Sequence.Value.ConcentricSize is int implied ? implied
            : current.Size;

        var merged = current with
        {
            Name = Name.Or(current.Name),
            Description = Description.Or(current.Description),
            Cells = Sequence.IsSet ? Sequence.Value.Cells : current.Cells,
            SequenceMetadata = Sequence.IsSet ? Sequence.Value.Metadata : current.SequenceMetadata,
            Size = size,
            PaletteId = PaletteId.Or(current.PaletteId),
            Tags = Tags.Or(current.Tags),
            DifficultyRating = DifficultyRating.Or(current.DifficultyRating),
            EstimatedTimeMinutes = EstimatedTimeMinutes.Or(current.EstimatedTimeMinutes),
            IsPublic = IsPublic.Or(current.IsPublic),
            IsAiGenerated = IsAiGenerated.Or(current.IsAiGenerated),
            GenerationPrompt = GenerationPrompt.Or(current.GenerationPrompt),
            ParentPatternId = ParentPatternId.Or(current.ParentPatternId),
        };

        var errors = PatternInput.Validate(merged, pathPrefix);
        if (Size.IsSet && !Sequence.IsSet)
        {
            // The client did not send the sequence, so point at what it did send: the size.
            var needed = 0;
            foreach (var cell in current.Cells)
            {
                needed = Math.Max(needed, Math.Max(cell.Row, cell.Col) + 1);
            }

            if (size < needed && PatternRules.SizeError(size) is null)
            {
                errors.RemoveAtOrBelow(pathPrefix + "sequence");
                errors.Add(pathPrefix + "size", $"is too small for the current sequence, which needs at least {needed}");
            }
        }

        errors.ThrowIfAny(PatternInput.ChangesDetail);
        return merged;
    }
}
