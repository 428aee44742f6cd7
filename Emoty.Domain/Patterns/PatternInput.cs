using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Emoty.Domain.Json;

namespace Emoty.Domain.Patterns;

/// <summary>
/// Every problem is reported with its JSON path (after <c>pathPrefix</c>, as <c>operations[2].pattern.name</c>) in one
/// <c>validation_failed</c>, so a client fixes everything in one round trip.
/// </summary>
public static class PatternInput
{
    /// <summary>Where a body that is not an object is reported when there is no prefix.</summary>
    public const string RootPath = "$";

    internal const string CreateDetail = "The pattern is not valid.";
    internal const string ChangesDetail = "The pattern changes are not valid.";

    /// <summary>Writing one is a 400, never silently ignored.</summary>
    public static IReadOnlySet<string> ServerFields { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "id", "user_id", "version", "created_at", "updated_at", "view_count", "like_count", "share_count",
        "download_count", "complexity_score", "is_favorited", "permission", "deleted_at");

    private static readonly PatternRequestValidator CreateValidator = new(isCreate: true, allowVersion: false);
    private static readonly PatternRequestValidator ChangesValidator = new(isCreate: false, allowVersion: true);
    private static readonly PatternRequestValidator ServerVersionChangesValidator = new(isCreate: false, allowVersion: false);

    /// <summary>The concentric form implies size 2n−1 and palette <c>default</c>; the positioned form needs both.</summary>
    public static PatternDraft ParseCreate(JsonElement body, string pathPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        var errors = new ValidationErrors();
        var draft = ReadCreate(ReadBody(body, pathPrefix, errors), pathPrefix, errors);
        errors.ThrowIfAny(CreateDetail);
        return draft!;
    }

    internal static PatternDraft? ReadCreate(PatternRequest? body, string pathPrefix, ValidationErrors errors)
    {
        if (Read(body, pathPrefix, CreateValidator, errors) is not { } changes)
        {
            return null;
        }

        var sequence = changes.Sequence.Value;
        return new PatternDraft
        {
            Name = changes.Name.Value,
            Description = changes.Description.Or(null),
            Cells = sequence.Cells,
            Size = changes.Size.IsSet ? changes.Size.Value : sequence.ConcentricSize!.Value,
            SequenceMetadata = sequence.Metadata,
            PaletteId = changes.PaletteId.Or(PatternRules.DefaultPaletteId),
            Tags = changes.Tags.Or([]),
            DifficultyRating = changes.DifficultyRating.Or(PatternRules.DefaultDifficulty),
            EstimatedTimeMinutes = changes.EstimatedTimeMinutes.Or(null),
            IsPublic = changes.IsPublic.Or(false),
            IsAiGenerated = changes.IsAiGenerated.Or(false),
            GenerationPrompt = changes.GenerationPrompt.Or(null),
            ParentPatternId = changes.ParentPatternId.Or(null),
        };
    }

    /// <param name="allowVersion">False where <c>version</c> is server-owned (a batch carries it beside <c>changes</c>).</param>
    public static PatternChanges ParseChanges(JsonElement body, string pathPrefix = "", bool allowVersion = true)
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        var errors = new ValidationErrors();
        var changes = ReadChanges(ReadBody(body, pathPrefix, errors), pathPrefix, allowVersion, errors);
        errors.ThrowIfAny(ChangesDetail);
        return changes!;
    }

    internal static PatternChanges? ReadChanges(PatternRequest? body, string pathPrefix, bool allowVersion, ValidationErrors errors) =>
        Read(body, pathPrefix, allowVersion ? ChangesValidator : ServerVersionChangesValidator, errors);

    internal static PatternRequest? Body(Field<PatternRequest> member, string pathPrefix, ValidationErrors errors)
    {
        if (member.Value is null)
        {
            errors.Add(RequestJson.BodyPath(pathPrefix), NotAnObject);
        }

        return member.Value;
    }

    private const string NotAnObject = "must be a JSON object";

    private static PatternRequest? ReadBody(JsonElement body, string pathPrefix, ValidationErrors errors) =>
        RequestJson.Read(body, RequestJsonContext.Default.PatternRequest, pathPrefix, NotAnObject, errors);

    /// <summary>Only <c>name</c>: anything else is changed on the copy afterwards, so any other field is a 400.</summary>
    public static string? ParseDuplicate(JsonElement? body)
    {
        if (body is not { } json)
        {
            return null;
        }

        var changes = ParseChanges(json, allowVersion: false);
        var errors = new ValidationErrors();
        foreach (var field in changes.ChangedFields.Where(f => f != "name"))
        {
            errors.Add(field, "is not a field of a duplicate (change the copy afterwards)");
        }

        errors.ThrowIfAny("The duplicate request is not valid.");
        return changes.Name.IsSet ? changes.Name.Value : null;
    }

    /// <summary>For a draft that did not come straight from <see cref="ParseCreate"/> (a merge). Empty when valid.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateMerged(PatternDraft merged, string pathPrefix = "") =>
        Validate(merged, pathPrefix).ToDictionary();

    internal static PatternSequence ParseSequence(JsonElement sequence, string pathPrefix = "")
    {
        var request = new PatternRequest { Sequence = Field<SequenceRequest>.Of(sequence.Deserialize(RequestJsonContext.Default.SequenceRequest)) };
        var errors = new ValidationErrors();
        ServerVersionChangesValidator.Check(request, pathPrefix, errors);
        var result = errors.Any ? null : ToSequence(request.Sequence.Value!);
        CheckGrid(Positions(request.Sequence), size: result?.ConcentricSize, pathPrefix + "sequence.emojis", errors);
        errors.ThrowIfAny(CreateDetail);
        return result!;
    }

    internal static ValidationErrors Validate(PatternDraft draft, string pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(pathPrefix);
        var errors = new ValidationErrors();
        var p = pathPrefix;
        Check(errors, p + "name", draft.Name is null ? "is required" : PatternRules.NameError(draft.Name.Trim()));
        Check(errors, p + "description", draft.Description is null ? null : PatternRules.DescriptionError(draft.Description));
        Check(errors, p + "palette_id", draft.PaletteId is null ? "is required" : PatternRules.PaletteIdError(draft.PaletteId));
        var sizeValid = Check(errors, p + "size", PatternRules.SizeError(draft.Size));
        Check(errors, p + "difficulty_rating", PatternRules.DifficultyError(draft.DifficultyRating));
        Check(errors, p + "estimated_time_minutes", draft.EstimatedTimeMinutes is int minutes ? PatternRules.EstimatedMinutesError(minutes) : null);
        Check(errors, p + "generation_prompt", draft.GenerationPrompt is null ? null : PatternRules.GenerationPromptError(draft.GenerationPrompt));

        var tags = draft.Tags ?? [];
        if (tags.Count > PatternRules.MaxTags)
        {
            errors.Add(p + "tags", $"must have at most {PatternRules.MaxTags} tags");
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var tagPath = $"{p}tags[{i}]";
            var tag = tags[i] ?? "";
            if (Check(errors, tagPath, PatternRules.TagError(tag)))
            {
                Check(errors, tagPath, tag != PatternRules.NormalizeTag(tag) ? "must be trimmed and lower-case"
                    : IndexOf(tags, tag, i) >= 0 ? "is a duplicate" : null);
            }
        }

        var emojisPath = p + "sequence.emojis";
        var cells = draft.Cells ?? [];
        var positions = new List<GridPosition>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            Check(errors, $"{emojisPath}[{i}].emoji", Emoji.IsSingleEmoji(cell.Emoji) ? null : "must be a single emoji");
            positions.Add(new GridPosition(i, cell.Row, cell.Col));
        }

        CheckGrid(positions, sizeValid ? draft.Size : null, emojisPath, errors);
        if (draft.SequenceMetadata is { } metadata && Encoding.UTF8.GetByteCount(metadata) > PatternRules.MaxMetadataBytes)
        {
            errors.Add(p + "sequence.metadata", $"must be at most {PatternRules.MaxMetadataBytes} bytes of JSON");
        }

        return errors;

        static int IndexOf(IReadOnlyList<string> list, string value, int before)
        {
            for (var j = 0; j < before; j++)
            {
                if (string.Equals(list[j], value, StringComparison.Ordinal))
                {
                    return j;
                }
            }

            return -1;
        }
    }

    internal readonly record struct GridPosition(int Index, int Row, int Col);

    /// <summary>Positions are checked against a size sent with them here; against the current size, by <see cref="PatternChanges.ApplyTo"/>.</summary>
    private static PatternChanges? Read(PatternRequest? request, string prefix, PatternRequestValidator validator, ValidationErrors errors)
    {
        if (request is null)
        {
            return null;
        }

        var before = errors.Reported;
        validator.Check(request, prefix, errors);
        if (request.Sequence.IsSet && request.Sequence.Value?.Concentric is null)
        {
            var size = request.Size is { IsValid: true, Value: >= PatternRules.MinSize and <= PatternRules.MaxSize } given ? (int)given.Value : (int?)null;
            CheckGrid(Positions(request.Sequence), size, prefix + "sequence.emojis", errors);
        }

        return errors.Reported > before ? null : ToChanges(request);
    }

    private static PatternChanges ToChanges(PatternRequest request) => new()
    {
        Name = Map(request.Name, name => name!.Trim()),
        Description = Map(request.Description, text => text),
        Sequence = Map(request.Sequence, sequence => ToSequence(sequence!)),
        PaletteId = Map(request.PaletteId, palette => palette!),
        Size = Map(request.Size, size => (int)size),
        Tags = Map(request.Tags, tags => (IReadOnlyList<string>)tags!.Select(t => PatternRules.NormalizeTag(t.Value!)).Distinct(StringComparer.Ordinal).ToList()),
        DifficultyRating = Map(request.DifficultyRating, rating => (int)rating),
        EstimatedTimeMinutes = Map(request.EstimatedTimeMinutes, minutes => (int?)minutes),
        IsPublic = Map(request.IsPublic, flag => flag),
        IsAiGenerated = Map(request.IsAiGenerated, flag => flag),
        GenerationPrompt = Map(request.GenerationPrompt, text => text),
        ParentPatternId = Map(request.ParentPatternId, id => id is null ? (Guid?)null : Guid.ParseExact(id, "D")),
        Version = request.Version.IsSet ? (int)request.Version.Value : null,
    };

    private static Optional<TOut> Map<TIn, TOut>(Field<TIn> field, Func<TIn?, TOut> map) =>
        field.IsSet ? Optional<TOut>.Of(map(field.Value)) : Optional<TOut>.Absent;

    private static PatternSequence ToSequence(SequenceRequest sequence)
    {
        if (sequence.Concentric is { } emojis)
        {
            var (cells, size) = ConcentricLayout.ToGrid([.. emojis.Select(e => e.Value!)]);
            return new PatternSequence(cells, Metadata: null, ConcentricSize: size);
        }

        var positioned = sequence.Positioned!;
        return new PatternSequence(
            [.. positioned.Emojis.Value!.Select(c => new PatternCell(c.Value!.Emoji.Value!, Coordinate(c.Value.Position.Value!.Row), Coordinate(c.Value.Position.Value.Col)))],
            positioned.Metadata.Value is { } metadata ? PatternMetadata.Compact(metadata).Text : null);
    }

    /// <summary>Of the cells whose row and col are both integers, whatever else is wrong with them.</summary>
    private static List<GridPosition> Positions(Field<SequenceRequest> sequence)
    {
        var positions = new List<GridPosition>();
        if (sequence.Value?.Positioned?.Emojis.Value is { Count: <= PatternRules.MaxCells } cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                if (cells[i].Value?.Position.Value is { Row.IsValid: true, Col.IsValid: true } position)
                {
                    positions.Add(new GridPosition(i, Coordinate(position.Row), Coordinate(position.Col)));
                }
            }
        }

        return positions;
    }

    // Beyond int the value is outside every grid anyway; clamping keeps it out of range, not wrapped.
    private static int Coordinate(Field<long> value) => (int)Math.Clamp(value.Value, int.MinValue, int.MaxValue);

    internal static void CheckGrid(IReadOnlyList<GridPosition> positions, int? size, string emojisPath, ValidationErrors errors)
    {
        var cellCount = positions.Count;
        if (size is int side && cellCount > side * side)
        {
            errors.Add(emojisPath, $"has {cellCount} cells but a {side}×{side} grid holds at most {side * side}");
        }

        var first = new Dictionary<(int Row, int Col), int>(positions.Count);
        foreach (var (index, row, col) in positions)
        {
            var path = $"{emojisPath}[{index}].position";
            if (size is int s)
            {
                Check(errors, path + ".row", row < 0 || row >= s ? $"must be between 0 and {s - 1} for a grid of size {s}" : null);
                Check(errors, path + ".col", col < 0 || col >= s ? $"must be between 0 and {s - 1} for a grid of size {s}" : null);
            }

            if (!first.TryAdd((row, col), index))
            {
                errors.Add(path, $"duplicates the position of {emojisPath}[{first[(row, col)]}]");
            }
        }
    }

    private static bool Check(ValidationErrors errors, string path, string? error)
    {
        if (error is null)
        {
            return true;
        }

        errors.Add(path, error);
        return false;
    }
}
