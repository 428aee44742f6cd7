using System.Collections.Frozen;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Emoty.Domain.Patterns;

/// <summary>
/// Turns a pattern write body into validated values. Every problem in the body is collected with its
/// JSON path and reported in one <c>validation_failed</c> (<see cref="Errors.EmotyException"/>), so a
/// client fixes everything in one round trip.
/// </summary>
/// <remarks>
/// Paths are <c>pathPrefix</c> + the field's path: <c>name</c>, <c>tags[0]</c>,
/// <c>sequence.emojis[3].position.row</c>; with prefix <c>operations[2].pattern.</c> the first becomes
/// <c>operations[2].pattern.name</c>. A body that is not an object is reported at the prefix without
/// its trailing dot, or at <see cref="RootPath"/> (<c>$</c>) when there is no prefix.
/// </remarks>
public static class PatternInput
{
    /// <summary>The path of the body itself when no prefix is given.</summary>
    public const string RootPath = "$";

    internal const string CreateDetail = "The pattern is not valid.";
    internal const string ChangesDetail = "The pattern changes are not valid.";

    /// <summary>Fields a client may write.</summary>
    public static IReadOnlySet<string> ClientFields { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "name", "description", "sequence", "palette_id", "size", "tags", "difficulty_rating",
        "estimated_time_minutes", "is_public", "is_ai_generated", "generation_prompt", "parent_pattern_id");

    /// <summary>Fields of the resource that only the server sets; writing one is a 400, never silently ignored.</summary>
    public static IReadOnlySet<string> ServerFields { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "id", "user_id", "version", "created_at", "updated_at", "view_count", "like_count", "share_count",
        "download_count", "complexity_score", "is_favorited", "permission", "deleted_at");

    // Relaxed escaping keeps metadata text readable in storage; it is never embedded in HTML.
    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A create body. <c>name</c> and <c>sequence</c> are required; <c>size</c> and <c>palette_id</c>
    /// too for the positioned form, while the concentric form implies size 2n−1 and palette
    /// <c>default</c>. Unset optional fields take their defaults.
    /// </summary>
    public static PatternDraft ParseCreate(JsonElement body, string pathPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        var errors = new ValidationErrors();
        var parsed = Read(body, pathPrefix, errors, allowVersion: false);
        var draft = parsed is null ? null : Complete(parsed, pathPrefix, errors);

        errors.ThrowIfAny(CreateDetail);
        return draft!;
    }

    /// <summary>
    /// A partial update body: only present fields are set; <c>description</c>, <c>generation_prompt</c>
    /// and <c>estimated_time_minutes</c> may be null (clear / recompute). With
    /// <paramref name="allowVersion"/>, an integer <c>version</c> ≥ 1 is accepted; otherwise it is
    /// server-owned (the batch carries it beside <c>changes</c>). Merge with <see cref="PatternChanges.ApplyTo"/>.
    /// </summary>
    public static PatternChanges ParseChanges(JsonElement body, string pathPrefix = "", bool allowVersion = true)
    {
        ArgumentNullException.ThrowIfNull(pathPrefix);
        var errors = new ValidationErrors();
        var parsed = Read(body, pathPrefix, errors, allowVersion);
        errors.ThrowIfAny(ChangesDetail);
        return parsed!.Changes;
    }

    /// <summary>
    /// The optional body of a duplicate: <c>{"name"?}</c>, the copy's name (null: the default).
    /// Anything else is changed on the copy afterwards, so any other field is a 400.
    /// </summary>
    public static string? ParseDuplicate(JsonElement? body)
    {
        if (body is not { } json)
        {
            return null;
        }

        var changes = ParseChanges(json, allowVersion: false);
        var errors = new ValidationErrors();
        foreach (var property in json.EnumerateObject())
        {
            // Every name is known and well-formed here: ParseChanges rejected anything else.
            if (property.Name != "name")
            {
                errors.Add(property.Name, "is not a field of a duplicate (change the copy afterwards)");
            }
        }

        errors.ThrowIfAny("The duplicate request is not valid.");
        return changes.Name.IsSet ? changes.Name.Value : null;
    }

    /// <summary>
    /// Every rule of a whole pattern, checked on a draft that did not come straight from
    /// <see cref="ParseCreate"/> (a merge, a restored version). Empty when valid.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ValidateMerged(PatternDraft merged, string pathPrefix = "") =>
        Validate(merged, pathPrefix).ToDictionary();

    /// <summary>A <c>sequence</c> value alone, reported at paths <c>sequence…</c> under the prefix.</summary>
    internal static PatternSequence ParseSequence(JsonElement sequence, string pathPrefix = "")
    {
        var errors = new ValidationErrors();
        var positions = new List<GridPosition>();
        var path = pathPrefix + "sequence";
        var result = ReadSequence(sequence, path, errors, positions);
        CheckGrid(positions, positions.Count, size: result?.ConcentricSize, path + ".emojis", errors);
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

        CheckGrid(positions, cells.Count, sizeValid ? draft.Size : null, emojisPath, errors);
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

    /// <summary>What <see cref="Read"/> found: the valid fields, which names were present, and grid positions for later checks.</summary>
    private sealed record Body(PatternChanges Changes, HashSet<string> Present, bool SequenceIsArray);

    internal readonly record struct GridPosition(int Index, int Row, int Col);

    /// <summary>
    /// Reads every field, keeping the valid ones. Checks that need only this body (a size given with
    /// the sequence, the concentric size) run here; the rest run in <see cref="Complete"/> or
    /// <see cref="PatternChanges.ApplyTo"/>.
    /// </summary>
    private static Body? Read(JsonElement body, string p, ValidationErrors errors, bool allowVersion)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(PathOfBody(p), "must be a JSON object");
            return null;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        var positions = new List<GridPosition>();
        var changes = new PatternChanges();
        var sequenceIsArray = false;

        foreach (var property in body.EnumerateObject())
        {
            if (!TryGetName(property, PathOfBody(p), errors, out var key))
            {
                continue;
            }

            var path = p + key;
            var value = property.Value;
            if (!present.Add(key))
            {
                errors.Add(path, "appears more than once");
                continue;
            }

            switch (key)
            {
                case "name":
                    if (TryReadString(value, path, errors, allowNull: false, out var name)
                        && Check(errors, path, PatternRules.NameError(name!.Trim())))
                    {
                        changes = changes with { Name = name.Trim() };
                    }

                    break;
                case "description":
                    if (TryReadString(value, path, errors, allowNull: true, out var description)
                        && Check(errors, path, description is null ? null : PatternRules.DescriptionError(description)))
                    {
                        changes = changes with { Description = description };
                    }

                    break;
                case "generation_prompt":
                    if (TryReadString(value, path, errors, allowNull: true, out var prompt)
                        && Check(errors, path, prompt is null ? null : PatternRules.GenerationPromptError(prompt)))
                    {
                        changes = changes with { GenerationPrompt = prompt };
                    }

                    break;
                case "palette_id":
                    if (TryReadString(value, path, errors, allowNull: false, out var palette)
                        && Check(errors, path, PatternRules.PaletteIdError(palette!)))
                    {
                        changes = changes with { PaletteId = palette! };
                    }

                    break;
                case "size":
                    if (TryReadInt(value, path, errors, PatternRules.MinSize, PatternRules.MaxSize, out var size))
                    {
                        changes = changes with { Size = size };
                    }

                    break;
                case "difficulty_rating":
                    if (TryReadInt(value, path, errors, PatternRules.MinDifficulty, PatternRules.MaxDifficulty, out var difficulty))
                    {
                        changes = changes with { DifficultyRating = difficulty };
                    }

                    break;
                case "estimated_time_minutes":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        changes = changes with { EstimatedTimeMinutes = Optional<int?>.Of(null) };
                    }
                    else if (TryReadInt(value, path, errors, PatternRules.MinEstimatedMinutes, PatternRules.MaxEstimatedMinutes, out var minutes))
                    {
                        changes = changes with { EstimatedTimeMinutes = minutes };
                    }

                    break;
                case "is_public":
                    if (TryReadBool(value, path, errors, out var isPublic))
                    {
                        changes = changes with { IsPublic = isPublic };
                    }

                    break;
                case "is_ai_generated":
                    if (TryReadBool(value, path, errors, out var isAi))
                    {
                        changes = changes with { IsAiGenerated = isAi };
                    }

                    break;
                case "parent_pattern_id":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        changes = changes with { ParentPatternId = Optional<Guid?>.Of(null) };
                    }
                    else if (value.ValueKind == JsonValueKind.String && Guid.TryParseExact(value.GetString(), "D", out var parent))
                    {
                        changes = changes with { ParentPatternId = parent };
                    }
                    else
                    {
                        errors.Add(path, "must be a UUID string or null");
                    }

                    break;
                case "tags":
                    if (ReadTags(value, path, errors) is { } tags)
                    {
                        changes = changes with { Tags = Optional<IReadOnlyList<string>>.Of(tags) };
                    }

                    break;
                case "sequence":
                    sequenceIsArray = value.ValueKind == JsonValueKind.Array;
                    if (ReadSequence(value, path, errors, positions) is { } sequence)
                    {
                        changes = changes with { Sequence = sequence };
                    }

                    break;
                case "version" when allowVersion:
                    if (TryReadInt(value, path, errors, 1, int.MaxValue, out var version))
                    {
                        changes = changes with { Version = version };
                    }

                    break;
                default:
                    errors.Add(path, ServerFields.Contains(key) ? "is set by the server" : "is not a known field");
                    break;
            }
        }

        // A concentric sequence fixes the size; a positioned one is checked against a size sent with it.
        var givenSize = changes.Size.IsSet ? changes.Size.Value : (int?)null;
        // The cleared canvas ([]) has no rings to fix a size: it keeps the one given, else EmptySize.
        if (changes.Sequence.IsSet && changes.Sequence.Value.ConcentricSize is int implied && changes.Sequence.Value.Cells.Count > 0)
        {
            if (givenSize is int s && s != implied)
            {
                errors.Add(p + "size", $"must be {implied} (2n−1) for a concentric sequence of {(implied + 1) / 2} emojis");
            }
        }
        else if (present.Contains("sequence") && !sequenceIsArray)
        {
            CheckGrid(positions, positions.Count, givenSize, p + "sequence.emojis", errors);
        }

        return new Body(changes, present, sequenceIsArray);
    }

    /// <summary>Create: required fields, defaults, and the draft.</summary>
    private static PatternDraft? Complete(Body body, string p, ValidationErrors errors)
    {
        var (changes, present, concentric) = body;
        if (!present.Contains("name"))
        {
            errors.Add(p + "name", "is required");
        }

        if (!present.Contains("sequence"))
        {
            errors.Add(p + "sequence", "is required");
        }

        // Without a sequence we cannot tell the form; ask for what the positioned (documented) form needs.
        if (!concentric && !present.Contains("size"))
        {
            errors.Add(p + "size", "is required unless the sequence is the concentric array form");
        }

        if (!concentric && !present.Contains("palette_id"))
        {
            errors.Add(p + "palette_id", "is required unless the sequence is the concentric array form");
        }

        if (errors.Any)
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

    private static List<string>? ReadTags(JsonElement value, string path, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "must be an array of strings");
            return null;
        }

        if (value.GetArrayLength() > PatternRules.MaxTags)
        {
            errors.Add(path, $"must have at most {PatternRules.MaxTags} tags");
            return null;
        }

        var tags = new List<string>(value.GetArrayLength());
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (TryReadString(item, itemPath, errors, allowNull: false, out var raw)
                && PatternRules.NormalizeTag(raw!) is var tag
                && Check(errors, itemPath, PatternRules.TagError(tag)))
            {
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag); // the first spelling wins, later duplicates are dropped
                }
            }
            else
            {
                valid = false;
            }
        }

        return valid ? tags : null;
    }

    private static PatternSequence? ReadSequence(JsonElement value, string path, ValidationErrors errors, List<GridPosition> positions)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                return ReadConcentric(value, path, errors);
            case JsonValueKind.Object:
                return ReadPositioned(value, path, errors, positions);
            default:
                errors.Add(path, $"must be an object with emojis, or an array of {ConcentricLayout.MinRings} to {ConcentricLayout.MaxRings} emojis (centre first)");
                return null;
        }
    }

    private static PatternSequence? ReadConcentric(JsonElement value, string path, ValidationErrors errors)
    {
        var count = value.GetArrayLength();
        if (count is < ConcentricLayout.MinRings or > ConcentricLayout.MaxRings)
        {
            errors.Add(path, $"must have {ConcentricLayout.MinRings} to {ConcentricLayout.MaxRings} emojis");
            return null;
        }

        var emojis = new string[count];
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index}]";
            if (TryReadString(item, itemPath, errors, allowNull: false, out var emoji)
                && Check(errors, itemPath, Emoji.IsSingleEmoji(emoji) ? null : "must be a single emoji"))
            {
                emojis[index] = emoji!;
            }
            else
            {
                valid = false;
            }

            index++;
        }

        if (!valid)
        {
            return null;
        }

        var (cells, size) = ConcentricLayout.ToGrid(emojis);
        return new PatternSequence(cells, Metadata: null, ConcentricSize: size);
    }

    private static PatternSequence? ReadPositioned(JsonElement value, string path, ValidationErrors errors, List<GridPosition> positions)
    {
        JsonElement? emojis = null;
        string? metadata = null;
        var valid = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!TryGetName(property, path, errors, out var key))
            {
                valid = false;
                continue;
            }

            var fieldPath = $"{path}.{key}";
            if (!seen.Add(key))
            {
                errors.Add(fieldPath, "appears more than once");
                valid = false;
                continue;
            }

            switch (key)
            {
                case "emojis":
                    emojis = property.Value;
                    break;
                case "metadata":
                    valid &= TryReadMetadata(property.Value, fieldPath, errors, out metadata);
                    break;
                default:
                    errors.Add(fieldPath, "is not a known field");
                    valid = false;
                    break;
            }
        }

        if (emojis is not { } list)
        {
            errors.Add($"{path}.emojis", "is required");
            return null;
        }

        var cells = ReadCells(list, $"{path}.emojis", errors, positions);
        return valid && cells is not null ? new PatternSequence(cells, metadata) : null;
    }

    private static List<PatternCell>? ReadCells(JsonElement value, string path, ValidationErrors errors, List<GridPosition> positions)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path, "must be an array");
            return null;
        }

        var count = value.GetArrayLength();
        if (count > PatternRules.MaxCells)
        {
            // Checked before reading the items so a huge body costs little.
            errors.Add(path, $"must have at most {PatternRules.MaxCells} cells");
            return null;
        }

        var cells = new List<PatternCell>(count);
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index}]";
            if (TryReadCell(item, index, itemPath, errors, positions) is { } cell)
            {
                cells.Add(cell);
            }
            else
            {
                valid = false;
            }

            index++;
        }

        return valid ? cells : null;
    }

    private static PatternCell? TryReadCell(JsonElement item, int index, string path, ValidationErrors errors, List<GridPosition> positions)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object with emoji and position");
            return null;
        }

        string? emoji = null;
        int? row = null, col = null;
        bool sawEmoji = false, sawPosition = false, valid = true;
        foreach (var property in item.EnumerateObject())
        {
            if (!TryGetName(property, path, errors, out var key))
            {
                valid = false;
                continue;
            }

            var fieldPath = $"{path}.{key}";
            switch (key)
            {
                case "emoji" when !sawEmoji:
                    sawEmoji = true;
                    if (TryReadString(property.Value, fieldPath, errors, allowNull: false, out var text)
                        && Check(errors, fieldPath, Emoji.IsSingleEmoji(text) ? null : "must be a single emoji"))
                    {
                        emoji = text;
                    }

                    break;
                case "position" when !sawPosition:
                    sawPosition = true;
                    valid &= TryReadPosition(property.Value, fieldPath, errors, out row, out col);
                    break;
                case "emoji" or "position":
                    errors.Add(fieldPath, "appears more than once");
                    valid = false;
                    break;
                default:
                    errors.Add(fieldPath, "is not a known field");
                    valid = false;
                    break;
            }
        }

        if (!sawEmoji)
        {
            errors.Add($"{path}.emoji", "is required");
        }

        if (!sawPosition)
        {
            errors.Add($"{path}.position", "is required");
        }

        if (row is int r && col is int c)
        {
            // Positions are checked (duplicates, range) even when the emoji is bad, so all errors come at once.
            positions.Add(new GridPosition(index, r, c));
            if (valid && emoji is not null)
            {
                return new PatternCell(emoji, r, c);
            }
        }

        return null;
    }

    private static bool TryReadPosition(JsonElement value, string path, ValidationErrors errors, out int? row, out int? col)
    {
        row = null;
        col = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object with row and col");
            return false;
        }

        var valid = true;
        foreach (var property in value.EnumerateObject())
        {
            if (!TryGetName(property, path, errors, out var key))
            {
                valid = false;
                continue;
            }

            var fieldPath = $"{path}.{key}";
            switch (key)
            {
                case "row" when row is null:
                    row = ReadCoordinate(property.Value, fieldPath, errors);
                    valid &= row is not null;
                    break;
                case "col" when col is null:
                    col = ReadCoordinate(property.Value, fieldPath, errors);
                    valid &= col is not null;
                    break;
                case "row" or "col":
                    errors.Add(fieldPath, "appears more than once");
                    valid = false;
                    break;
                default:
                    errors.Add(fieldPath, "is not a known field");
                    valid = false;
                    break;
            }
        }

        if (row is null && !errors.Has($"{path}.row"))
        {
            errors.Add($"{path}.row", "is required");
        }

        if (col is null && !errors.Has($"{path}.col"))
        {
            errors.Add($"{path}.col", "is required");
        }

        return valid && row is not null && col is not null;
    }

    /// <summary>Any integer; whether it lies inside the grid is <see cref="CheckGrid"/>'s call, once the size is known.</summary>
    private static int? ReadCoordinate(JsonElement value, string path, ValidationErrors errors)
    {
        if (!TryReadInteger(value, out var number))
        {
            errors.Add(path, "must be an integer");
            return null;
        }

        // Beyond int the value is outside every grid anyway; clamping keeps it out of range, not wrapped.
        return (int)Math.Clamp(number, int.MinValue, int.MaxValue);
    }

    /// <summary>
    /// Positions inside [0, size) when the size is known, no two cells on one position (reported on the
    /// later cell), and no more cells than the grid holds.
    /// </summary>
    internal static void CheckGrid(IReadOnlyList<GridPosition> positions, int cellCount, int? size, string emojisPath, ValidationErrors errors)
    {
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

    private static bool TryReadMetadata(JsonElement value, string path, ValidationErrors errors, out string? metadata)
    {
        metadata = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object");
            return false;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, CompactWriter);
            value.WriteTo(writer);
        }
        catch (InvalidOperationException)
        {
            errors.Add(path, "contains text that is not valid (an unpaired surrogate)");
            return false;
        }

        if (buffer.WrittenCount > PatternRules.MaxMetadataBytes)
        {
            errors.Add(path, $"must be at most {PatternRules.MaxMetadataBytes} bytes of JSON");
            return false;
        }

        // jsonb refuses NUL in strings and numbers beyond its range; refuse them here as a 400 instead.
        if (FindUnstorable(value) is { } problem)
        {
            errors.Add(path, problem);
            return false;
        }

        metadata = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return true;
    }

    private static string? FindUnstorable(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        return "must not contain NUL characters";
                    }

                    if (FindUnstorable(property.Value) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (FindUnstorable(item) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return value.GetString()!.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL characters" : null;
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && double.IsFinite(number) ? null : "contains a number out of range";
            default:
                return null;
        }
    }

    private static string PathOfBody(string prefix) => prefix.Length == 0 ? RootPath : prefix.TrimEnd('.');

    private static bool TryGetName(JsonProperty property, string parentPath, ValidationErrors errors, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json throws for an escaped unpaired surrogate; that is the client's mistake, not ours.
            errors.Add(parentPath, "has a field name that is not valid text");
            name = "";
            return false;
        }
    }

    private static bool TryReadString(JsonElement value, string path, ValidationErrors errors, bool allowNull, out string? text)
    {
        text = null;
        if (value.ValueKind == JsonValueKind.Null && allowNull)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(path, allowNull ? "must be a string or null" : "must be a string");
            return false;
        }

        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            errors.Add(path, "is not valid text");
            return false;
        }
    }

    private static bool TryReadInt(JsonElement value, string path, ValidationErrors errors, int min, int max, out int result)
    {
        result = 0;
        if (!TryReadInteger(value, out var number))
        {
            errors.Add(path, "must be an integer");
            return false;
        }

        if (!Check(errors, path, PatternRules.RangeError(number, min, max)))
        {
            return false;
        }

        result = (int)number;
        return true;
    }

    /// <summary>A JSON number with an integral value (<c>3</c>, <c>3.0</c>, <c>3e0</c>), clamped to the long range.</summary>
    private static bool TryReadInteger(JsonElement value, out long number)
    {
        number = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (value.TryGetInt64(out number))
        {
            return true;
        }

        if (value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Floor(real) == real)
        {
            number = real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)real;
            return true;
        }

        return false;
    }

    private static bool TryReadBool(JsonElement value, string path, ValidationErrors errors, out bool result)
    {
        result = value.ValueKind == JsonValueKind.True;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return true;
        }

        errors.Add(path, "must be true or false");
        return false;
    }

    /// <summary>Records <paramref name="error"/> when there is one; true when there is none.</summary>
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
