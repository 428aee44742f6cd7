using Emoty.Domain.Patterns;
using static Emoty.Domain.Tests.Patterns.PatternTestSupport;

namespace Emoty.Domain.Tests.Patterns;

public class PatternInputCreateTests
{
    [Fact]
    public void a_positioned_body_becomes_a_draft_with_defaults_and_computed_figures()
    {
        var draft = PatternInput.ParseCreate(JsonOf(PositionedBody()));

        Assert.Equal("Sunset Emoji Art", draft.Name);
        Assert.Equal("sunset-orange", draft.PaletteId);
        Assert.Equal(4, draft.Size);
        Assert.Equal([new PatternCell("🌅", 0, 0), new PatternCell("🌸", 0, 1)], draft.Cells);
        Assert.Null(draft.Description);
        Assert.Null(draft.SequenceMetadata);
        Assert.Empty(draft.Tags);
        Assert.Equal(1, draft.DifficultyRating);
        Assert.Null(draft.EstimatedTimeMinutes);
        Assert.False(draft.IsPublic);
        Assert.False(draft.IsAiGenerated);
        Assert.Null(draft.GenerationPrompt);
        Assert.Null(draft.ParentPatternId);
        Assert.Equal(PatternMetrics.ComplexityScore(draft.Cells, 4), draft.ComplexityScore);
        Assert.Equal(PatternMetrics.EstimatedMinutes(draft.Cells, 4), draft.EstimatedMinutes);
    }

    [Fact]
    public void every_client_settable_field_is_read()
    {
        var draft = PatternInput.ParseCreate(JsonOf(PositionedBody("""
            ,"description":"Warm colours","tags":["sunset"],"difficulty_rating":3,"estimated_time_minutes":12,
            "is_public":true,"is_ai_generated":true,"generation_prompt":"a sunset",
            "parent_pattern_id":"6f9619ff-8b86-d011-b42d-00c04fc964ff"
            """)));

        Assert.Equal("Warm colours", draft.Description);
        Assert.Equal(["sunset"], draft.Tags);
        Assert.Equal(3, draft.DifficultyRating);
        Assert.Equal(12, draft.EstimatedTimeMinutes);
        Assert.Equal(12, draft.EstimatedMinutes);
        Assert.True(draft.IsPublic);
        Assert.True(draft.IsAiGenerated);
        Assert.Equal("a sunset", draft.GenerationPrompt);
        Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), draft.ParentPatternId);
    }

    [Fact]
    public void the_editors_save_call_with_the_concentric_form_works_unchanged()
    {
        var draft = PatternInput.ParseCreate(JsonOf("""{"name":"Love","sequence":["❤️","🌸","🌷"]}"""));

        Assert.Equal(5, draft.Size);
        Assert.Equal(PatternRules.DefaultPaletteId, draft.PaletteId);
        Assert.Equal(25, draft.Cells.Count);
        Assert.Equal("❤️", draft.Cells.Single(c => c is { Row: 2, Col: 2 }).Emoji);
    }

    [Fact]
    public void the_concentric_form_accepts_a_matching_size_and_rejects_another()
    {
        Assert.Equal(3, PatternInput.ParseCreate(JsonOf("""{"name":"x","size":3,"sequence":["❤️","🌸"]}""")).Size);

        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","size":4,"sequence":["❤️","🌸"]}""")));
        AssertError(errors, "size", "must be 3");
    }

    [Fact]
    public void the_concentric_form_takes_at_most_thirty_two_emojis()
    {
        var sequence = "[" + string.Join(",", Enumerable.Repeat("\"🌅\"", 33)) + "]";
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf($$"""{"name":"x","sequence":{{sequence}}}""")));
        AssertError(errors, "sequence", "0 to 32 emojis");

        var largest = "[" + string.Join(",", Enumerable.Repeat("\"🌅\"", 32)) + "]";
        Assert.Equal(63, PatternInput.ParseCreate(JsonOf($$"""{"name":"x","sequence":{{largest}}}""")).Size);
    }

    [Fact]
    public void the_cleared_canvas_is_a_pattern_with_no_cells_of_side_one_unless_a_size_is_given()
    {
        var cleared = PatternInput.ParseCreate(JsonOf("""{"name":"Autosaved","sequence":[]}"""));
        Assert.Empty(cleared.Cells);
        Assert.Equal(1, cleared.Size);
        Assert.Equal(PatternRules.DefaultPaletteId, cleared.PaletteId);
        Assert.Equal(0m, cleared.ComplexityScore);

        Assert.Equal(8, PatternInput.ParseCreate(JsonOf("""{"name":"Autosaved","size":8,"sequence":[]}""")).Size);
    }

    [Fact]
    public void a_bad_emoji_in_the_concentric_form_is_reported_at_its_index()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","sequence":["❤️","ab",3]}""")));
        AssertError(errors, "sequence[1]", "single emoji");
        AssertError(errors, "sequence[2]", "must be a string");
        Assert.False(errors.ContainsKey("size")); // the array form needs no size
        Assert.False(errors.ContainsKey("palette_id"));
    }

    [Fact]
    public void name_is_trimmed_and_limited_to_100_text_elements()
    {
        Assert.Equal("Sunset", PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("Sunset Emoji Art", "  Sunset  ", StringComparison.Ordinal))).Name);

        var hundredFamilies = string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 100)); // 1100 UTF-16 units, 100 characters
        Assert.Equal(hundredFamilies, PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("Sunset Emoji Art", hundredFamilies, StringComparison.Ordinal))).Name);

        var tooLong = new string('a', 101);
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("Sunset Emoji Art", tooLong, StringComparison.Ordinal))));
        AssertError(errors, "name", "1 to 100 characters");
    }

    [Theory]
    [InlineData("   ", "1 to 100")]
    [InlineData("tab\\there", "control characters")]
    [InlineData("nul\\u0000", "control characters")]
    [InlineData("half \\ud83c surrogate", "not valid text")]
    public void names_that_cannot_be_stored_or_shown_are_rejected(string jsonName, string message)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("Sunset Emoji Art", jsonName, StringComparison.Ordinal))));
        AssertError(errors, "name", message);
    }

    [Fact]
    public void a_name_made_of_combining_marks_cannot_smuggle_a_huge_string()
    {
        var zalgo = "a" + new string('\u0301', 5000); // one text element, 5001 UTF-16 units
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("Sunset Emoji Art", zalgo, StringComparison.Ordinal))));
        AssertError(errors, "name", "1 to 100 characters");
    }

    [Fact]
    public void tags_are_trimmed_lower_cased_and_de_duplicated_keeping_the_first()
    {
        var draft = PatternInput.ParseCreate(JsonOf(PositionedBody("""
            ,"tags":[" Sunset ","NATURE","sunset","Ünïcode"]
            """)));
        Assert.Equal(["sunset", "nature", "ünïcode"], draft.Tags);
    }

    [Fact]
    public void bad_tags_are_reported_at_their_index()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody($$"""
            ,"tags":["ok","   ","{{new string('x', 33)}}",7,"a,b"]
            """))));
        AssertError(errors, "tags[1]", "1 to 32 characters");
        AssertError(errors, "tags[2]", "1 to 32 characters");
        AssertError(errors, "tags[3]", "must be a string");
        AssertError(errors, "tags[4]", "comma");
        Assert.False(errors.ContainsKey("tags[0]"));
    }

    [Fact]
    public void more_than_twenty_tags_is_an_error_on_the_list()
    {
        var tags = string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"t{i}\""));
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody($",\"tags\":[{tags}]"))));
        AssertError(errors, "tags", "at most 20");
    }

    [Fact]
    public void duplicate_position_is_reported_on_the_later_cell()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":"x","palette_id":"p","size":2,"sequence":{"emojis":[
              {"emoji":"🌅","position":{"row":0,"col":1}},
              {"emoji":"🌸","position":{"row":1,"col":1}},
              {"emoji":"🌷","position":{"row":0,"col":1}}]}}
            """)));
        AssertError(errors, "sequence.emojis[2].position", "duplicates the position of sequence.emojis[0]");
        Assert.Single(errors);
    }

    [Fact]
    public void positions_outside_the_grid_are_reported_per_coordinate()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":"x","palette_id":"p","size":4,"sequence":{"emojis":[
              {"emoji":"🌅","position":{"row":4,"col":0}},
              {"emoji":"🌸","position":{"row":0,"col":-1}},
              {"emoji":"🌷","position":{"row":99999999999,"col":3}}]}}
            """)));
        AssertError(errors, "sequence.emojis[0].position.row", "between 0 and 3");
        AssertError(errors, "sequence.emojis[1].position.col", "between 0 and 3");
        AssertError(errors, "sequence.emojis[2].position.row", "between 0 and 3");
        Assert.False(errors.ContainsKey("sequence.emojis[0].position.col"));
    }

    [Fact]
    public void more_cells_than_the_grid_holds_is_an_error_on_the_list()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":"x","palette_id":"p","size":1,"sequence":{"emojis":[
              {"emoji":"🌅","position":{"row":0,"col":0}},{"emoji":"🌸","position":{"row":0,"col":0}}]}}
            """)));
        AssertError(errors, "sequence.emojis", "at most 1");
        AssertError(errors, "sequence.emojis[1].position", "duplicates");
    }

    [Fact]
    public void a_sequence_over_4096_cells_is_refused_before_its_cells_are_read()
    {
        var cells = string.Join(',', Enumerable.Repeat("0", PatternRules.MaxCells + 1));
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("{\"name\":\"x\",\"palette_id\":\"p\",\"size\":64,\"sequence\":{\"emojis\":[" + cells + "]}}")));
        AssertError(errors, "sequence.emojis", "at most 4096 cells");
        Assert.Single(errors);
    }

    [Fact]
    public void cells_are_checked_for_shape_emoji_and_coordinates_all_at_once()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":"x","palette_id":"p","size":4,"sequence":{"emojis":[
              "🌅",
              {"emoji":"a","position":{"row":0,"col":0}},
              {"emoji":"🌸","position":{"row":"1","col":1.5}},
              {"position":{"row":2}},
              {"emoji":"🌷","position":{"row":3,"col":3,"z":1},"colour":"red"},
              {"emoji":"🌷","position":[3,3]}]}}
            """)));
        AssertError(errors, "sequence.emojis[0]", "must be an object");
        AssertError(errors, "sequence.emojis[1].emoji", "single emoji");
        AssertError(errors, "sequence.emojis[2].position.row", "must be an integer");
        AssertError(errors, "sequence.emojis[2].position.col", "must be an integer");
        AssertError(errors, "sequence.emojis[3].emoji", "is required");
        AssertError(errors, "sequence.emojis[3].position.col", "is required");
        AssertError(errors, "sequence.emojis[4].position.z", "is not a known field");
        AssertError(errors, "sequence.emojis[4].colour", "is not a known field");
        AssertError(errors, "sequence.emojis[5].position", "must be an object");
    }

    [Fact]
    public void integral_numbers_written_with_a_fraction_or_exponent_are_integers()
    {
        var draft = PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("\"size\":4", "\"size\":4.0", StringComparison.Ordinal)
            .Replace("\"row\":0,\"col\":1", "\"row\":0,\"col\":1e0", StringComparison.Ordinal)));
        Assert.Equal(4, draft.Size);
        Assert.Equal(1, draft.Cells[1].Col);
    }

    [Fact]
    public void the_positioned_form_requires_size_and_palette_and_every_body_requires_name_and_sequence()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"sequence":{"emojis":[]}}""")));
        AssertError(errors, "name", "is required");
        AssertError(errors, "size", "is required");
        AssertError(errors, "palette_id", "is required");

        errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","size":2,"palette_id":"p"}""")));
        AssertError(errors, "sequence", "is required");
        Assert.Single(errors);

        errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","size":2,"palette_id":"p","sequence":{}}""")));
        AssertError(errors, "sequence.emojis", "is required");
    }

    [Fact]
    public void an_empty_grid_is_a_valid_pattern_scoring_zero()
    {
        var draft = PatternInput.ParseCreate(JsonOf("""{"name":"x","size":2,"palette_id":"p","sequence":{"emojis":[]}}"""));
        Assert.Empty(draft.Cells);
        Assert.Equal(0m, draft.ComplexityScore);
        Assert.Equal(1, draft.EstimatedMinutes);
    }

    [Theory]
    [InlineData("id", "\"6f9619ff-8b86-d011-b42d-00c04fc964ff\"")]
    [InlineData("user_id", "\"6f9619ff-8b86-d011-b42d-00c04fc964ff\"")]
    [InlineData("version", "7")]
    [InlineData("created_at", "\"2026-11-25T09:51:51Z\"")]
    [InlineData("updated_at", "\"2026-11-25T09:51:51Z\"")]
    [InlineData("view_count", "1000")]
    [InlineData("like_count", "1000")]
    [InlineData("share_count", "1000")]
    [InlineData("download_count", "1000")]
    [InlineData("complexity_score", "9.99")]
    [InlineData("is_favorited", "true")]
    [InlineData("permission", "\"owner\"")]
    [InlineData("deleted_at", "null")]
    public void server_owned_fields_are_mass_assignment_and_rejected(string field, string value)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody($",\"{field}\":{value}"))));
        AssertError(errors, field, "is set by the server");
        Assert.Single(errors);
    }

    [Fact]
    public void unknown_fields_are_rejected_by_name()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody(",\"colour\":\"red\",\"Name\":\"x\""))));
        AssertError(errors, "colour", "is not a known field");
        AssertError(errors, "Name", "is not a known field"); // names are case-sensitive snake_case
    }

    [Fact]
    public void a_field_given_twice_is_rejected()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody(",\"name\":\"again\""))));
        AssertError(errors, "name", "appears more than once");
    }

    [Theory]
    [InlineData("name", "5", "must be a string")]
    [InlineData("name", "null", "must be a string")]
    [InlineData("description", "[]", "must be a string or null")]
    [InlineData("palette_id", "false", "must be a string")]
    [InlineData("size", "\"4\"", "must be an integer")]
    [InlineData("size", "4.5", "must be an integer")]
    [InlineData("size", "0", "between 1 and 64")]
    [InlineData("size", "65", "between 1 and 64")]
    [InlineData("tags", "\"sunset\"", "must be an array")]
    [InlineData("difficulty_rating", "0", "between 1 and 5")]
    [InlineData("difficulty_rating", "6", "between 1 and 5")]
    [InlineData("difficulty_rating", "null", "must be an integer")]
    [InlineData("estimated_time_minutes", "0", "between 1 and 10080")]
    [InlineData("estimated_time_minutes", "10081", "between 1 and 10080")]
    [InlineData("is_public", "\"yes\"", "must be true or false")]
    [InlineData("is_ai_generated", "1", "must be true or false")]
    [InlineData("parent_pattern_id", "\"not-a-uuid\"", "must be a UUID")]
    [InlineData("parent_pattern_id", "42", "must be a UUID")]
    [InlineData("generation_prompt", "{}", "must be a string or null")]
    [InlineData("sequence", "\"❤️\"", "must be an object")]
    public void wrong_types_and_ranges_are_reported_at_the_field(string field, string value, string message)
    {
        var members = new Dictionary<string, string>
        {
            ["name"] = "\"x\"",
            ["palette_id"] = "\"p\"",
            ["size"] = "4",
            ["sequence"] = """{"emojis":[]}""",
        };
        members[field] = value;
        var body = "{" + string.Join(',', members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";

        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(body)));
        AssertError(errors, field, message);
    }

    [Fact]
    public void description_and_prompt_may_be_null_or_multiline_but_not_too_long()
    {
        var draft = PatternInput.ParseCreate(JsonOf(PositionedBody(",\"description\":null,\"generation_prompt\":\"line one\\nline two\"")));
        Assert.Null(draft.Description);
        Assert.Equal("line one\nline two", draft.GenerationPrompt);

        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody(
            $",\"description\":\"{new string('d', 1001)}\",\"generation_prompt\":\"{new string('p', 1001)}\""))));
        AssertError(errors, "description", "at most 1000");
        AssertError(errors, "generation_prompt", "at most 1000");
    }

    [Fact]
    public void palette_id_is_limited_to_50_characters()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(PositionedBody().Replace("sunset-orange", new string('p', 51), StringComparison.Ordinal))));
        AssertError(errors, "palette_id", "1 to 50");
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void a_body_that_is_not_an_object_is_reported_at_the_root(string json)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(json)));
        AssertError(errors, PatternInput.RootPath, "must be a JSON object");

        errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(json), "operations[2].pattern."));
        AssertError(errors, "operations[2].pattern", "must be a JSON object");
    }

    [Fact]
    public void error_paths_carry_the_callers_prefix()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":"","palette_id":"p","size":2,"tags":["ok","   "],"id":"x","colour":1,
             "sequence":{"emojis":[{"emoji":"🌅","position":{"row":0,"col":0}},{"emoji":"🌸","position":{"row":5,"col":0}}]}}
            """), "operations[2].pattern."));
        AssertError(errors, "operations[2].pattern.name", "1 to 100");
        AssertError(errors, "operations[2].pattern.tags[1]", "1 to 32");
        AssertError(errors, "operations[2].pattern.id", "is set by the server");
        AssertError(errors, "operations[2].pattern.colour", "is not a known field");
        AssertError(errors, "operations[2].pattern.sequence.emojis[1].position.row", "between 0 and 1");
        Assert.All(errors.Keys, k => Assert.StartsWith("operations[2].pattern.", k, StringComparison.Ordinal));
    }

    [Fact]
    public void all_problems_come_back_in_one_error()
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""
            {"name":7,"size":0,"palette_id":"","tags":"x","difficulty_rating":9,"is_public":"no","likes":3,
             "sequence":{"emojis":[{"emoji":"x","position":{"row":0,"col":0}}]}}
            """)));
        Assert.Equal(["name", "size", "palette_id", "tags", "difficulty_rating", "is_public", "likes", "sequence.emojis[0].emoji"],
            errors.Keys.ToArray());
    }

    [Fact]
    public void metadata_is_kept_compact_and_written_back_in_the_canonical_sequence()
    {
        var draft = PatternInput.ParseCreate(JsonOf("""
            {"name":"x","palette_id":"p","size":2,"sequence":{"emojis":[
              {"emoji":"🌸","position":{"row":1,"col":0}},{"emoji":"🌅","position":{"row":0,"col":1}}],
             "metadata": { "version": 1, "created_with": "web-app", "note": "café ❤" }}}
            """));
        Assert.Equal("""{"version":1,"created_with":"web-app","note":"café ❤"}""", draft.SequenceMetadata);

        using var stored = JsonDocument.Parse(draft.ToSequenceJson());
        var root = stored.RootElement;
        Assert.Equal(["emojis", "metadata"], root.EnumerateObject().Select(p => p.Name).ToArray());
        var emojis = root.GetProperty("emojis").EnumerateArray().ToArray();
        // Row-major, whatever order the client sent.
        Assert.Equal("🌅", emojis[0].GetProperty("emoji").GetString());
        Assert.Equal(0, emojis[0].GetProperty("position").GetProperty("row").GetInt32());
        Assert.Equal(1, emojis[0].GetProperty("position").GetProperty("col").GetInt32());
        Assert.Equal(["emoji", "position"], emojis[0].EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["row", "col"], emojis[0].GetProperty("position").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("web-app", root.GetProperty("metadata").GetProperty("created_with").GetString());
    }

    [Fact]
    public void the_canonical_sequence_has_no_metadata_when_none_was_sent_and_reads_back_to_the_same_cells()
    {
        var draft = PatternInput.ParseCreate(JsonOf("""{"name":"x","sequence":["❤️","🌸"]}"""));
        var json = draft.ToSequenceJson();
        Assert.DoesNotContain("metadata", json, StringComparison.Ordinal);

        var back = PatternSequence.FromJson(json);
        Assert.Equal(draft.Cells.OrderBy(c => c.Row).ThenBy(c => c.Col), back.Cells);
        Assert.Null(back.Metadata);
    }

    [Fact]
    public void emojis_are_stored_as_they_are_and_anything_else_is_escaped()
    {
        var draft = PatternInput.ParseCreate(JsonOf("""{"name":"x","sequence":["👨‍👩‍👧‍👦","#️⃣"]}"""));
        var json = draft.ToSequenceJson();
        Assert.Contains("\"emoji\":\"👨‍👩‍👧‍👦\"", json, StringComparison.Ordinal);
        Assert.Contains("\"emoji\":\"#️⃣\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);

        // A draft built in code bypasses parsing; its JSON must still be well-formed.
        var odd = (draft with { Cells = [new PatternCell("a\"b\\", 0, 0)] }).ToSequenceJson();
        using var parsed = System.Text.Json.JsonDocument.Parse(odd);
        Assert.Equal("a\"b\\", parsed.RootElement.GetProperty("emojis")[0].GetProperty("emoji").GetString());
    }

    [Theory]
    [InlineData("[]", "must be an object")]
    [InlineData("\"v1\"", "must be an object")]
    [InlineData("""{"note":"a\u0000b"}""", "NUL")]
    [InlineData("""{"big":1e999}""", "number out of range")]
    [InlineData("""{"bad":"\ud800"}""", "not valid")]
    public void metadata_that_is_not_a_storable_object_is_rejected(string metadata, string message)
    {
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(
            """{"name":"x","palette_id":"p","size":1,"sequence":{"emojis":[],"metadata":""" + metadata + "}}")));
        AssertError(errors, "sequence.metadata", message);
    }

    [Fact]
    public void metadata_over_4_KiB_is_rejected()
    {
        var blob = new string('m', 4100);
        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf(
            """{"name":"x","palette_id":"p","size":1,"sequence":{"emojis":[],"metadata":{"blob":""" + $"\"{blob}\"" + "}}}")));
        AssertError(errors, "sequence.metadata", "4096 bytes");
    }

    [Fact]
    public void null_metadata_means_none_and_unknown_sequence_members_are_rejected()
    {
        Assert.Null(PatternInput.ParseCreate(JsonOf("""{"name":"x","palette_id":"p","size":1,"sequence":{"emojis":[],"metadata":null}}""")).SequenceMetadata);

        var errors = ValidationErrorsOf(() => PatternInput.ParseCreate(JsonOf("""{"name":"x","palette_id":"p","size":1,"sequence":{"emojis":[],"grid":[]}}""")));
        AssertError(errors, "sequence.grid", "is not a known field");
    }

    [Fact]
    public void the_validation_error_is_a_400_with_a_readable_detail()
    {
        var exception = Assert.Throws<Emoty.Domain.Errors.EmotyException>(() => PatternInput.ParseCreate(JsonOf("{}")));
        Assert.Equal("validation_failed", exception.ToProblem().Code);
        Assert.Equal("The pattern is not valid.", exception.Detail);
    }

    [Fact]
    public void a_stored_sequence_that_is_not_valid_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => PatternSequence.FromJson("not json"));
        Assert.Throws<FormatException>(() => PatternSequence.FromJson("""{"emojis":[{"emoji":"a","position":{"row":0,"col":0}}]}"""));
    }
}
