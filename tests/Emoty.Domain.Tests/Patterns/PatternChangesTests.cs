using Emoty.Domain.Patterns;
using static Emoty.Domain.Tests.Patterns.PatternTestSupport;

namespace Emoty.Domain.Tests.Patterns;

public class PatternChangesTests
{
    private static readonly PatternDraft Current = new()
    {
        Name = "Sunset",
        Description = "Warm",
        Cells = [new PatternCell("🌅", 0, 0), new PatternCell("🌸", 3, 3)],
        Size = 4,
        SequenceMetadata = """{"version":1}""",
        PaletteId = "sunset-orange",
        Tags = ["sunset"],
        DifficultyRating = 2,
        EstimatedTimeMinutes = 30,
        IsPublic = true,
        GenerationPrompt = "a sunset",
    };

    [Fact]
    public void only_fields_in_the_body_are_set()
    {
        var changes = PatternInput.ParseChanges(JsonOf("""{"name":"  Dusk ","is_public":false}"""));

        Assert.Equal(["name", "is_public"], changes.ChangedFields);
        Assert.True(changes.Name.IsSet);
        Assert.Equal("Dusk", changes.Name.Value);
        Assert.False(changes.IsPublic.Value);
        Assert.False(changes.Description.IsSet);
        Assert.False(changes.Sequence.IsSet);
        Assert.False(changes.Tags.IsSet);
        Assert.Null(changes.Version);
    }

    [Fact]
    public void an_empty_body_changes_nothing()
    {
        var changes = PatternInput.ParseChanges(JsonOf("{}"));
        Assert.True(changes.IsEmpty);
        Assert.Equal(Current, changes.ApplyTo(Current));
    }

    [Fact]
    public void null_clears_a_nullable_field_while_absence_leaves_it_alone()
    {
        var changes = PatternInput.ParseChanges(JsonOf("""{"description":null,"generation_prompt":null,"parent_pattern_id":null}"""));
        Assert.True(changes.Description.IsSet);
        Assert.Null(changes.Description.Value);

        var merged = changes.ApplyTo(Current);
        Assert.Null(merged.Description);
        Assert.Null(merged.GenerationPrompt);
        Assert.Null(merged.ParentPatternId);
        Assert.Equal("Sunset", merged.Name);
        Assert.Equal(["sunset"], merged.Tags);
    }

    [Fact]
    public void a_null_estimate_hands_it_back_to_the_server()
    {
        var merged = PatternInput.ParseChanges(JsonOf("""{"estimated_time_minutes":null}""")).ApplyTo(Current);
        Assert.Null(merged.EstimatedTimeMinutes);
        Assert.Equal(PatternMetrics.EstimatedMinutes(Current.Cells, Current.Size), merged.EstimatedMinutes);

        var kept = PatternInput.ParseChanges(JsonOf("""{"name":"x"}""")).ApplyTo(Current);
        Assert.Equal(30, kept.EstimatedMinutes);
    }

    [Theory]
    [InlineData("name", "null", "must be a string")]
    [InlineData("tags", "null", "must be an array")]
    [InlineData("is_public", "null", "must be true or false")]
    [InlineData("difficulty_rating", "null", "must be an integer")]
    [InlineData("size", "null", "must be an integer")]
    [InlineData("sequence", "null", "must be an object")]
    [InlineData("palette_id", "null", "must be a string")]
    public void fields_that_cannot_be_empty_cannot_be_set_to_null(string field, string value, string message)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf($"{{\"{field}\":{value}}}")));
        AssertError(errors, field, message);
    }

    [Fact]
    public void version_in_the_body_is_read_when_allowed()
    {
        Assert.Equal(3, PatternInput.ParseChanges(JsonOf("""{"version":3,"name":"x"}""")).Version);

        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"version":0}""")));
        AssertError(errors, "version", "between 1 and");
        errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"version":"3"}""")));
        AssertError(errors, "version", "must be an integer");
    }

    [Fact]
    public void version_inside_batch_changes_is_server_owned()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"version":3}"""), "operations[1].changes.", allowVersion: false));
        AssertError(errors, "operations[1].changes.version", "is set by the server");
    }

    [Theory]
    [InlineData("id")]
    [InlineData("user_id")]
    [InlineData("created_at")]
    [InlineData("updated_at")]
    [InlineData("like_count")]
    [InlineData("view_count")]
    [InlineData("complexity_score")]
    [InlineData("permission")]
    [InlineData("is_favorited")]
    [InlineData("deleted_at")]
    public void server_owned_fields_cannot_be_updated(string field)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf($"{{\"{field}\":1}}")));
        AssertError(errors, field, "is set by the server");
    }

    [Fact]
    public void unknown_fields_in_an_update_are_rejected()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"title":"x"}""")));
        AssertError(errors, "title", "is not a known field");
    }

    [Fact]
    public void a_new_sequence_without_size_is_checked_against_the_current_size()
    {
        var changes = PatternInput.ParseChanges(JsonOf("""
            {"sequence":{"emojis":[{"emoji":"🌅","position":{"row":0,"col":0}},{"emoji":"🌸","position":{"row":4,"col":1}}]}}
            """), "operations[0].changes.");
        Assert.True(changes.Sequence.IsSet); // the body alone is fine: no size to check against yet

        var errors = ValidationErrorsOf(() => changes.ApplyTo(Current, "operations[0].changes."));
        AssertError(errors, "operations[0].changes.sequence.emojis[1].position.row", "between 0 and 3");
    }

    [Fact]
    public void a_new_sequence_with_a_size_is_checked_in_the_body_itself()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""
            {"size":2,"sequence":{"emojis":[{"emoji":"🌅","position":{"row":0,"col":2}}]}}
            """)));
        AssertError(errors, "sequence.emojis[0].position.col", "between 0 and 1");
    }

    [Fact]
    public void duplicate_positions_in_an_update_are_reported_without_knowing_the_size()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""
            {"sequence":{"emojis":[{"emoji":"🌅","position":{"row":1,"col":1}},{"emoji":"🌸","position":{"row":1,"col":1}}]}}
            """)));
        AssertError(errors, "sequence.emojis[1].position", "duplicates the position of sequence.emojis[0]");
    }

    [Fact]
    public void shrinking_the_size_below_the_current_sequence_is_an_error_on_size()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"size":3}""")).ApplyTo(Current));
        AssertError(errors, "size", "needs at least 4");
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("sequence", StringComparison.Ordinal));
    }

    [Fact]
    public void growing_the_size_keeps_the_sequence()
    {
        var merged = PatternInput.ParseChanges(JsonOf("""{"size":8}""")).ApplyTo(Current);
        Assert.Equal(8, merged.Size);
        Assert.Equal(Current.Cells, merged.Cells);
        Assert.NotEqual(Current.ComplexityScore, merged.ComplexityScore); // recomputed for the new grid
    }

    [Fact]
    public void a_concentric_sequence_in_an_update_resizes_the_grid()
    {
        var merged = PatternInput.ParseChanges(JsonOf("""{"sequence":["❤️","🌸","🌷"]}""")).ApplyTo(Current);
        Assert.Equal(5, merged.Size);
        Assert.Equal(25, merged.Cells.Count);
        Assert.Null(merged.SequenceMetadata); // the sequence is replaced as a whole
        Assert.Equal("sunset-orange", merged.PaletteId); // the palette stays
    }

    [Fact]
    public void a_concentric_sequence_with_another_size_is_rejected()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseChanges(JsonOf("""{"size":4,"sequence":["❤️","🌸","🌷"]}""")));
        AssertError(errors, "size", "must be 5");
    }

    [Fact]
    public void a_positioned_sequence_replaces_cells_and_metadata()
    {
        var merged = PatternInput.ParseChanges(JsonOf("""
            {"sequence":{"emojis":[{"emoji":"🇫🇷","position":{"row":1,"col":2}}],"metadata":{"created_with":"sync"}}}
            """)).ApplyTo(Current);
        Assert.Equal([new PatternCell("🇫🇷", 1, 2)], merged.Cells);
        Assert.Equal("""{"created_with":"sync"}""", merged.SequenceMetadata);
        Assert.Equal(4, merged.Size);
    }

    [Fact]
    public void every_field_can_be_changed_at_once()
    {
        var merged = PatternInput.ParseChanges(JsonOf("""
            {"name":"Dusk","description":"Cool","palette_id":"ocean","size":6,"tags":["Sea","sea","waves"],
             "difficulty_rating":5,"estimated_time_minutes":90,"is_public":false,"is_ai_generated":true,
             "generation_prompt":"the sea","parent_pattern_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff",
             "sequence":{"emojis":[{"emoji":"🌊","position":{"row":5,"col":5}}]}}
            """)).ApplyTo(Current);

        Assert.Equal(new PatternDraft
        {
            Name = "Dusk",
            Description = "Cool",
            Cells = merged.Cells,
            Size = 6,
            SequenceMetadata = null,
            PaletteId = "ocean",
            Tags = merged.Tags,
            DifficultyRating = 5,
            EstimatedTimeMinutes = 90,
            IsPublic = false,
            IsAiGenerated = true,
            GenerationPrompt = "the sea",
            ParentPatternId = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        }, merged);
        Assert.Equal(["sea", "waves"], merged.Tags);
        Assert.Equal([new PatternCell("🌊", 5, 5)], merged.Cells);
    }

    [Fact]
    public void changes_can_be_built_in_code_for_merges()
    {
        var changes = new PatternChanges { Name = "Merged", EstimatedTimeMinutes = Optional<int?>.Of(null) };
        Assert.Equal(["name", "estimated_time_minutes"], changes.ChangedFields);
        var merged = changes.ApplyTo(Current);
        Assert.Equal("Merged", merged.Name);
        Assert.Null(merged.EstimatedTimeMinutes);
    }

    [Fact]
    public void validate_merged_is_empty_for_a_valid_draft()
    {
        Assert.Empty(PatternInput.ValidateMerged(Current));
        Assert.Empty(PatternInput.ValidateMerged(PatternInput.ParseCreate(JsonOf("""{"name":"x","sequence":["❤️"]}"""))));
    }

    [Fact]
    public void validate_merged_checks_every_rule_of_a_whole_pattern()
    {
        var broken = Current with
        {
            Name = " ",
            Size = 2,
            Cells = [new PatternCell("🌅", 0, 0), new PatternCell("x", 0, 1), new PatternCell("🌸", 0, 0), new PatternCell("🌷", 2, 0)],
            Tags = ["ok", "Upper", "ok"],
            DifficultyRating = 9,
            EstimatedTimeMinutes = 0,
            PaletteId = "",
        };

        var errors = PatternInput.ValidateMerged(broken, "operations[4].pattern.");
        AssertError(errors, "operations[4].pattern.name", "1 to 100");
        AssertError(errors, "operations[4].pattern.palette_id", "1 to 50");
        AssertError(errors, "operations[4].pattern.tags[1]", "lower-case");
        AssertError(errors, "operations[4].pattern.tags[2]", "duplicate");
        AssertError(errors, "operations[4].pattern.difficulty_rating", "between 1 and 5");
        AssertError(errors, "operations[4].pattern.estimated_time_minutes", "between 1 and 10080");
        AssertError(errors, "operations[4].pattern.sequence.emojis[1].emoji", "single emoji");
        AssertError(errors, "operations[4].pattern.sequence.emojis[2].position", "duplicates the position of operations[4].pattern.sequence.emojis[0]");
        AssertError(errors, "operations[4].pattern.sequence.emojis[3].position.row", "between 0 and 1");
    }

    [Fact]
    public void an_invalid_merge_throws_with_the_prefix()
    {
        var errors = ValidationErrorsOf(() => new PatternChanges { Tags = Optional<IReadOnlyList<string>>.Of(["BAD"]) }.ApplyTo(Current, "p."));
        AssertError(errors, "p.tags[0]", "lower-case");
    }
}
