using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// api.md: `total` is exact up to 10,000 matches and an estimate past them, and facets count at most the first 10,000 matches. A
/// one-word total first counts the word's name entries (pattern_name_terms), and only a count past the cap may skip the full count,
/// so these check both sides of it: a word whose names alone pass the cap, and words whose names do not, where the matches in tags
/// and descriptions must still be counted; and facets that count each match once, in every class, under the search's filters.
/// </summary>
public sealed class SearchTotalAndFacetsTests : IAsyncLifetime
{
    private const int PastTheCap = PatternSearchStore.CountCap + 5;

    private NpgsqlDataSource _database = null!;
    private PatternSearchStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = PostgresSetup.CreateDataSource(await TestServices.CreateDatabaseAsync("totals"));
        _store = new PatternSearchStore(_database, TestCursors.Signer);
        await using var connection = await _database.OpenConnectionAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        // "ocean" in more names than the cap; "reef" in 30 names (6 rated 4), 40 descriptions and 25 tags; "described" in those 40
        // tags only; private and deleted patterns with both words, which no anonymous search counts.
        await connection.ExecuteAsync($$"""
            INSERT INTO patterns (user_id, name, size, sequence, is_public)
            SELECT @user, 'Ocean waves ' || g, 1, '{"emojis":[]}', true FROM generate_series(1, {{PastTheCap}}) g;
            INSERT INTO patterns (user_id, name, size, sequence, is_public, difficulty_rating, tags)
            SELECT @user, 'Reef ' || g, 1, '{"emojis":[]}', true, CASE WHEN g <= 6 THEN 4 ELSE 2 END, '{named}' FROM generate_series(1, 30) g;
            INSERT INTO patterns (user_id, name, description, size, sequence, is_public, tags)
            SELECT @user, 'Blue ' || g, 'a reef at dawn', 1, '{"emojis":[]}', true, '{described}' FROM generate_series(1, 40) g;
            INSERT INTO patterns (user_id, name, tags, size, sequence, is_public)
            SELECT @user, 'Pink ' || g, '{reef}', 1, '{"emojis":[]}', true FROM generate_series(1, 25) g;
            INSERT INTO patterns (user_id, name, tags, size, sequence, is_public, deleted_at)
            SELECT @user, 'Reef ocean ' || g, '{hidden}', 1, '{"emojis":[]}', g % 2 = 0, CASE WHEN g % 2 = 0 THEN now() END
            FROM generate_series(1, 10) g;
            ANALYZE patterns;
            """, new { user });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task a_word_whose_names_pass_the_cap_has_an_estimated_total_past_it()
    {
        var page = await SearchAsync("query=ocean&include=total");

        Assert.False(page.TotalIsExact);
        Assert.True(page.Total > PatternSearchStore.CountCap, $"total {page.Total}");
    }

    [Theory]
    [InlineData("query=reef&include=total", 95)]
    [InlineData("query=reef&difficulty_min=4&include=total", 6)]
    [InlineData("query=described&include=total", 40)]
    [InlineData("query=ocean&difficulty_min=4&include=total", 0)]
    public async Task a_total_under_the_cap_counts_every_match_exactly(string shape, long expected)
    {
        var page = await SearchAsync(shape);

        Assert.True(page.TotalIsExact);
        Assert.Equal(expected, page.Total);
    }

    [Fact]
    public async Task a_word_under_the_cap_has_the_facets_of_its_matches_in_names_tags_and_descriptions_each_once()
    {
        var facets = (await SearchAsync("query=reef&include=facets")).Facets!;

        Assert.Equal([new TagFacet("described", 40), new TagFacet("named", 30), new TagFacet("reef", 25)], facets.Tags);
        Assert.Equal([new DifficultyFacet(1, 65), new DifficultyFacet(2, 24), new DifficultyFacet(4, 6)], facets.DifficultyRatings);
        Assert.Equal([new PaletteFacet("default", 95)], facets.Palettes);
    }

    [Fact]
    public async Task facets_hold_to_the_filters()
    {
        var facets = (await SearchAsync("query=reef&difficulty_min=4&include=facets")).Facets!;

        Assert.Equal([new TagFacet("named", 6)], facets.Tags);
        Assert.Equal([new DifficultyFacet(4, 6)], facets.DifficultyRatings);
    }

    private Task<SearchPage> SearchAsync(string shape) => _store.SearchAsync(TestCursors.Search(shape), caller: null, CancellationToken.None);
}
