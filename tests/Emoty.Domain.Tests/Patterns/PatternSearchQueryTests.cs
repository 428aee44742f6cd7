using Emoty.Domain.Errors;
using Emoty.Domain.Patterns;
using static Emoty.Domain.Tests.Patterns.PatternTestSupport;

namespace Emoty.Domain.Tests.Patterns;

public class PatternSearchQueryTests
{
    private static PatternSearchQuery Parse(params (string Name, string? Value)[] parameters) =>
        PatternSearchQuery.Parse(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)), TestCursors.Signer);

    private static IReadOnlyDictionary<string, string[]> ErrorsOf(params (string Name, string? Value)[] parameters) =>
        ValidationErrorsOf(() => Parse(parameters));

    [Fact]
    public void no_parameters_means_newest_first_twenty_at_a_time()
    {
        var query = Parse();
        Assert.Null(query.Query);
        Assert.Equal(PatternSort.CreatedAt, query.Sort);
        Assert.True(query.Descending);
        Assert.Equal(20, query.Limit);
        Assert.Null(query.Cursor);
        Assert.Null(query.Offset);
        Assert.Empty(query.Tags);
        Assert.Empty(query.AnyTags);
        Assert.False(query.IncludeTotal);
        Assert.False(query.IncludeFacets);
        Assert.Null(query.IsPublic);
    }

    [Fact]
    public void a_query_makes_relevance_the_default_sort()
    {
        var query = Parse(("query", "  sunset \"warm colours\" -night "));
        Assert.Equal("sunset \"warm colours\" -night", query.Query);
        Assert.Equal(PatternSort.Relevance, query.Sort);
    }

    [Fact]
    public void a_blank_query_is_no_query()
    {
        Assert.Null(Parse(("query", "   ")).Query);
        Assert.Equal(PatternSort.CreatedAt, Parse(("query", "")).Sort);
    }

    [Fact]
    public void relevance_without_a_query_is_a_400()
    {
        var errors = ErrorsOf(("sort", "relevance"));
        AssertError(errors, "sort", "needs a query");
    }

    [Fact]
    public void every_parameter_is_read()
    {
        var query = Parse(
            ("query", "sea"), ("tags", "Sea, waves ,sea"), ("any_tags", "blue,GREEN"),
            ("user_id", "6f9619ff-8b86-d011-b42d-00c04fc964ff"), ("palette_id", "ocean"),
            ("difficulty_min", "2"), ("difficulty_max", "4"), ("complexity_min", "1.5"), ("complexity_max", "9.25"),
            ("size_min", "4"), ("size_max", "64"), ("is_public", "true"), ("is_ai_generated", "false"),
            ("favorited_by_me", "true"), ("created_after", "2026-01-01T00:00:00Z"), ("created_before", "2026-11-25T09:51:51.123+02:00"),
            ("sort", "like_count"), ("direction", "asc"), ("limit", "100"), ("offset", "10000"), ("include", "total,facets"));

        Assert.Equal(["sea", "waves"], query.Tags);
        Assert.Equal(["blue", "green"], query.AnyTags);
        Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), query.UserId);
        Assert.Equal("ocean", query.PaletteId);
        Assert.Equal((2, 4), (query.DifficultyMin, query.DifficultyMax));
        Assert.Equal((1.5m, 9.25m), (query.ComplexityMin, query.ComplexityMax));
        Assert.Equal((4, 64), (query.SizeMin, query.SizeMax));
        Assert.True(query.IsPublic);
        Assert.False(query.IsAiGenerated);
        Assert.True(query.FavoritedByMe);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), query.CreatedAfter);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 51, 51, 123, TimeSpan.Zero), query.CreatedBefore);
        Assert.Equal(PatternSort.LikeCount, query.Sort);
        Assert.False(query.Descending);
        Assert.Equal(100, query.Limit);
        Assert.Equal(10000, query.Offset);
        Assert.True(query.IncludeTotal);
        Assert.True(query.IncludeFacets);
    }

    [Theory]
    [InlineData("relevance", PatternSort.Relevance)]
    [InlineData("created_at", PatternSort.CreatedAt)]
    [InlineData("updated_at", PatternSort.UpdatedAt)]
    [InlineData("like_count", PatternSort.LikeCount)]
    [InlineData("view_count", PatternSort.ViewCount)]
    [InlineData("name", PatternSort.Name)]
    [InlineData("difficulty_rating", PatternSort.DifficultyRating)]
    [InlineData("complexity_score", PatternSort.ComplexityScore)]
    public void every_documented_sort_is_accepted_and_named_back(string name, PatternSort sort)
    {
        Assert.Equal(sort, Parse(("query", "x"), ("sort", name)).Sort);
        Assert.Equal(name, PatternSearchQuery.SortName(sort));
    }

    [Fact]
    public void unknown_parameters_are_a_400_that_says_so()
    {
        var exception = Assert.Throws<EmotyException>(() => Parse(("q", "sunset"), ("page", "2")));
        Assert.Contains("Unknown parameters are not ignored: q, page", exception.Detail, StringComparison.Ordinal);
        AssertError(exception.Errors!, "q", "is not a known parameter");
        AssertError(exception.Errors!, "page", "is not a known parameter");
    }

    [Fact]
    public void a_parameter_given_twice_is_a_400()
    {
        var errors = ErrorsOf(("limit", "10"), ("limit", "20"));
        AssertError(errors, "limit", "more than once");
    }

    [Fact]
    public void known_parameters_are_exactly_the_documented_ones() =>
        Assert.Equal(
            new[] { "any_tags", "complexity_max", "complexity_min", "created_after", "created_before", "cursor", "difficulty_max",
                "difficulty_min", "direction", "favorited_by_me", "include", "is_ai_generated", "is_public", "limit", "offset",
                "palette_id", "parent_pattern_id", "query", "size_max", "size_min", "sort", "tags", "user_id" },
            PatternSearchQuery.KnownParameters.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("limit", "0", "between 1 and 100")]
    [InlineData("limit", "101", "between 1 and 100")]
    [InlineData("limit", "ten", "must be an integer")]
    [InlineData("limit", "", "must be an integer")]
    [InlineData("limit", "99999999999999999999", "must be an integer")]
    [InlineData("offset", "-1", "between 0 and 10000")]
    [InlineData("offset", "10001", "between 0 and 10000")]
    [InlineData("difficulty_min", "0", "between 1 and 5")]
    [InlineData("difficulty_max", "6", "between 1 and 5")]
    [InlineData("complexity_min", "-0.01", "between 0 and 10")]
    [InlineData("complexity_max", "10.5", "between 0 and 10")]
    [InlineData("complexity_max", "1e1", "decimal number")]
    [InlineData("complexity_max", "1,5", "decimal number")]
    [InlineData("size_min", "0", "between 1 and 64")]
    [InlineData("size_max", "65", "between 1 and 64")]
    [InlineData("is_public", "yes", "true or false")]
    [InlineData("is_ai_generated", "True", "true or false")]
    [InlineData("favorited_by_me", "1", "true or false")]
    [InlineData("user_id", "me", "must be a UUID")]
    [InlineData("palette_id", "", "1 to 50")]
    [InlineData("sort", "popularity", "must be one of")]
    [InlineData("direction", "up", "must be one of asc, desc")]
    [InlineData("include", "total,everything", "'everything' is not one of total, facets")]
    [InlineData("tags", "ok,a\u0000b", "control characters")]
    [InlineData("query", "nul\u0000byte", "control characters")]
    public void malformed_values_are_reported_at_the_parameter(string name, string value, string message)
    {
        var errors = ErrorsOf((name, value));
        AssertError(errors, name, message);
    }

    [Fact]
    public void a_query_over_200_characters_is_refused()
    {
        Assert.Equal(200, Parse(("query", new string('q', 200))).Query!.Length);
        AssertError(ErrorsOf(("query", new string('q', 201))), "query", "1 to 200");
    }

    [Fact]
    public void tag_lists_are_normalised_and_limited_to_twenty()
    {
        Assert.Equal(["a", "b"], Parse(("tags", " A ,,b, a ")).Tags);
        var tooMany = string.Join(',', Enumerable.Range(0, 21).Select(i => $"t{i}"));
        AssertError(ErrorsOf(("any_tags", tooMany)), "any_tags", "at most 20");
        AssertError(ErrorsOf(("tags", new string('x', 33))), "tags", "1 to 32");
    }

    [Theory]
    [InlineData("2026-11-25T09:51:51Z")]
    [InlineData("2026-11-25T09:51:51.1234567Z")]
    [InlineData("2026-11-25T09:51:51+05:30")]
    [InlineData("2026-11-25T09:51:51.5-08:00")]
    public void timestamps_with_an_offset_are_accepted(string value) =>
        Assert.NotNull(Parse(("created_after", value)).CreatedAfter);

    [Theory]
    [InlineData("2026-11-25")]
    [InlineData("2026-11-25T09:51:51")]
    [InlineData("2026-11-25T09:51:51.Z")]
    [InlineData("2026-13-25T09:51:51Z")]
    [InlineData("2026-11-25 09:51:51Z")]
    [InlineData("11/25/2026")]
    [InlineData("yesterday")]
    [InlineData("2026-11-25T09:51:51+0200")]
    public void timestamps_without_an_offset_or_unparseable_are_refused(string value) =>
        AssertError(ErrorsOf(("created_before", value)), "created_before", "ISO-8601");

    [Theory]
    [InlineData("difficulty_min", "4", "difficulty_max", "2")]
    [InlineData("complexity_min", "5.5", "complexity_max", "5.25")]
    [InlineData("size_min", "10", "size_max", "9")]
    [InlineData("created_after", "2026-02-01T00:00:00Z", "created_before", "2026-01-01T00:00:00Z")]
    public void a_minimum_above_its_maximum_is_reported_on_the_minimum(string min, string minValue, string max, string maxValue)
    {
        var errors = ErrorsOf((min, minValue), (max, maxValue));
        AssertError(errors, min, $"must not be greater than {max}");
        Assert.False(errors.ContainsKey(max));
    }

    [Fact]
    public void equal_bounds_are_fine() =>
        Assert.Equal(3, Parse(("difficulty_min", "3"), ("difficulty_max", "3")).DifficultyMin);

    [Fact]
    public void all_errors_are_collected_in_one_400()
    {
        var errors = ErrorsOf(("limit", "0"), ("sort", "relevance"), ("is_public", "maybe"), ("colour", "red"));
        Assert.Equal(new[] { "colour", "is_public", "limit", "sort" }, errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void the_fingerprint_covers_filters_but_not_paging_or_tag_order()
    {
        var a = Parse(("query", "sea"), ("tags", "b,a"), ("limit", "10"), ("include", "total"));
        var b = Parse(("query", "sea"), ("tags", "a,b"), ("limit", "50"));
        Assert.Equal(a.FilterFingerprint, b.FilterFingerprint);
        Assert.Equal(Parse(("complexity_min", "2.5")).FilterFingerprint, Parse(("complexity_min", "2.50")).FilterFingerprint);

        Assert.NotEqual(a.FilterFingerprint, Parse(("query", "sky"), ("tags", "a,b")).FilterFingerprint);
        Assert.NotEqual(a.FilterFingerprint, Parse(("query", "sea"), ("tags", "a,b"), ("is_public", "true")).FilterFingerprint);
        Assert.NotEqual(Parse(("tags", "a")).FilterFingerprint, Parse(("any_tags", "a")).FilterFingerprint);
        Assert.NotEqual(Parse(("difficulty_min", "2")).FilterFingerprint, Parse(("difficulty_max", "2")).FilterFingerprint);
    }

    [Fact]
    public void a_cursor_from_the_same_search_is_accepted_and_decoded()
    {
        var first = Parse(("tags", "sea"), ("sort", "name"), ("direction", "asc"), ("limit", "2"));
        var next = SearchCursor.After(first, "Dusk", Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff")).Encode(TestCursors.Signer);

        var second = Parse(("tags", "sea"), ("sort", "name"), ("direction", "asc"), ("limit", "50"), ("cursor", next));
        Assert.NotNull(second.Cursor);
        Assert.Equal("Dusk", second.Cursor!.LastValue);
        Assert.Equal(PatternSort.Name, second.Cursor.Sort);
    }

    [Theory]
    [InlineData("tags", "sky")] // other filters
    [InlineData("sort", "created_at")] // other sort
    [InlineData("direction", "desc")] // other direction
    public void a_cursor_used_with_another_search_is_a_400_on_cursor(string name, string value)
    {
        var first = Parse(("tags", "sea"), ("sort", "name"), ("direction", "asc"));
        var next = SearchCursor.After(first, "Dusk", Guid.NewGuid()).Encode(TestCursors.Signer);
        var parameters = new Dictionary<string, string?> { ["tags"] = "sea", ["sort"] = "name", ["direction"] = "asc", ["cursor"] = next };
        parameters[name] = value;

        var errors = ValidationErrorsOf(() => PatternSearchQuery.Parse(parameters, TestCursors.Signer));
        AssertError(errors, "cursor", "different search");
    }

    [Fact]
    public void a_garbled_cursor_is_a_400_on_cursor()
    {
        AssertError(ErrorsOf(("cursor", "not-a-cursor")), "cursor", "not a valid cursor");
        AssertError(ErrorsOf(("cursor", "")), "cursor", "not a valid cursor");
    }

    [Fact]
    public void cursor_and_offset_together_is_a_400()
    {
        var next = SearchCursor.After(Parse(), DateTimeOffset.UtcNow, Guid.NewGuid()).Encode(TestCursors.Signer);
        AssertError(ErrorsOf(("cursor", next), ("offset", "20")), "offset", "cannot be combined with cursor");
    }

    [Fact]
    public void a_dictionary_of_parameters_can_be_passed_directly()
    {
        var query = PatternSearchQuery.Parse(new Dictionary<string, string?> { ["limit"] = "5", ["is_public"] = "true" }, TestCursors.Signer);
        Assert.Equal(5, query.Limit);
        Assert.True(query.IsPublic);
    }
}
