using Emoty.Domain.Patterns;

namespace Emoty.Domain.Sync;

public sealed record FieldConflict(string Field, string Winner);

public sealed record MergeResult(PatternDraft Result, IReadOnlyList<string> ClientFields, IReadOnlyList<FieldConflict> Conflicts);

/// <summary>
/// Three-way merge, field by field: a field both sides changed to different values goes to the later write
/// (a tie keeps the server's, already stored and seen by others). A grid must hold its cells, so when the
/// field-wise result would put a cell outside it, size and sequence go whole to the later write.
/// </summary>
public static class SyncMerge
{
    public const string ClientWins = "client";
    public const string ServerWins = "server";

    private sealed record Field(
        string Name,
        Func<PatternDraft, object?> Value,
        Func<PatternDraft, PatternDraft, PatternDraft> Copy,
        Func<PatternChanges, PatternDraft, PatternChanges> Set);

    // Every client-settable field, in PatternChanges.ChangedFields order. Values compare with Equals,
    // so lists and grids are compared in their canonical text.
    private static readonly Field[] Fields =
    [
        new("name", d => d.Name, (from, to) => to with { Name = from.Name }, (c, d) => c with { Name = d.Name }),
        new("description", d => d.Description, (from, to) => to with { Description = from.Description }, (c, d) => c with { Description = d.Description }),
        new("sequence", d => d.ToSequenceJson(), (from, to) => to with { Cells = from.Cells, SequenceMetadata = from.SequenceMetadata },
            (c, d) => c with { Sequence = new PatternSequence(d.Cells, d.SequenceMetadata) }),
        new("palette_id", d => d.PaletteId, (from, to) => to with { PaletteId = from.PaletteId }, (c, d) => c with { PaletteId = d.PaletteId }),
        new("size", d => d.Size, (from, to) => to with { Size = from.Size }, (c, d) => c with { Size = d.Size }),
        new("tags", d => string.Join('\n', d.Tags), (from, to) => to with { Tags = from.Tags }, (c, d) => c with { Tags = Optional<IReadOnlyList<string>>.Of(d.Tags) }),
        new("difficulty_rating", d => d.DifficultyRating, (from, to) => to with { DifficultyRating = from.DifficultyRating },
            (c, d) => c with { DifficultyRating = d.DifficultyRating }),
        new("estimated_time_minutes", d => d.EstimatedTimeMinutes, (from, to) => to with { EstimatedTimeMinutes = from.EstimatedTimeMinutes },
            (c, d) => c with { EstimatedTimeMinutes = d.EstimatedTimeMinutes }),
        new("is_public", d => d.IsPublic, (from, to) => to with { IsPublic = from.IsPublic }, (c, d) => c with { IsPublic = d.IsPublic }),
        new("is_ai_generated", d => d.IsAiGenerated, (from, to) => to with { IsAiGenerated = from.IsAiGenerated }, (c, d) => c with { IsAiGenerated = d.IsAiGenerated }),
        new("generation_prompt", d => d.GenerationPrompt, (from, to) => to with { GenerationPrompt = from.GenerationPrompt },
            (c, d) => c with { GenerationPrompt = d.GenerationPrompt }),
        new("parent_pattern_id", d => d.ParentPatternId, (from, to) => to with { ParentPatternId = from.ParentPatternId },
            (c, d) => c with { ParentPatternId = d.ParentPatternId }),
    ];

    private static readonly string[] GridFields = ["sequence", "size"];

    /// <param name="baseline">Null when the base version is not known, which makes every field the client changed a conflict.</param>
    public static MergeResult Merge(PatternDraft? baseline, PatternDraft server, PatternDraft client, DateTimeOffset clientModifiedAt, DateTimeOffset serverUpdatedAt)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(client);
        var clientWins = clientModifiedAt > serverUpdatedAt;
        var winner = clientWins ? ClientWins : ServerWins;
        var result = server;
        var taken = new List<string>();
        var conflicts = new List<FieldConflict>();
        foreach (var field in Fields)
        {
            var clientValue = field.Value(client);
            var serverValue = field.Value(server);
            if (Equals(clientValue, field.Value(baseline ?? server)) || Equals(clientValue, serverValue))
            {
                continue;
            }

            if (baseline is not null && Equals(serverValue, field.Value(baseline)))
            {
                result = field.Copy(client, result);
                taken.Add(field.Name);
                continue;
            }

            conflicts.Add(new FieldConflict(field.Name, winner));
            if (clientWins)
            {
                result = field.Copy(client, result);
            }
        }

        if (!Fits(result))
        {
            // One side's cells in the other side's size: the grid cannot be split, so it goes whole to the later write.
            var grid = clientWins ? client : server;
            result = result with { Size = grid.Size, Cells = grid.Cells, SequenceMetadata = grid.SequenceMetadata };
            taken.RemoveAll(GridFields.Contains);
            conflicts.RemoveAll(c => GridFields.Contains(c.Field));
            conflicts.AddRange(Fields.Where(f => GridFields.Contains(f.Name) && !Equals(f.Value(client), f.Value(server)))
                .Select(f => new FieldConflict(f.Name, winner)));
        }

        return new MergeResult(result, taken, conflicts);
    }

    public static PatternChanges ChangesBetween(PatternDraft current, PatternDraft target)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        var changes = new PatternChanges();
        foreach (var field in Fields)
        {
            if (!Equals(field.Value(current), field.Value(target)))
            {
                changes = field.Set(changes, target);
            }
        }

        return changes;
    }

    private static bool Fits(PatternDraft draft) => draft.Cells.All(c => c.Row < draft.Size && c.Col < draft.Size);
}
