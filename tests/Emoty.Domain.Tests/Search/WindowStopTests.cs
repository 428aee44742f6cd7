using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// A window in the page's order that walks its 2,000 rows short of a page leaves the page to the planned statement, and one that
/// runs out of rows first (a filter few rows pass) has seen every match. Either way the pages must be what one plain ordered query
/// returns, with no match lost or repeated around the window's last row (a match here); any path that reuses what the window saw
/// must keep them so.
/// </summary>
public sealed class WindowStopTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private PatternSearchStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = PostgresSetup.CreateDataSource(await TestServices.CreateDatabaseAsync("window_stop"));
        _store = new PatternSearchStore(_database, TestCursors.Signer);
        await using var connection = await _database.OpenConnectionAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        // Pattern g is the g-th most liked and the g-th newest. "Amber" at 1–5, at 2,000 (the window's last row) and at 2,200–2,229;
        // "cobalt" in 3 of the 52 rated 5, so a walk of the rated-5 patterns runs out of rows.
        await connection.ExecuteAsync("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count, created_at, difficulty_rating)
            SELECT @user,
                   CASE WHEN g <= 5 OR g = 2000 OR g BETWEEN 2200 AND 2229 THEN 'Amber ' WHEN g IN (10, 60, 2510) THEN 'Cobalt ' ELSE 'Plain ' END || g,
                   1, '{"emojis":[]}', true, 10000 - g, timestamptz '2026-11-01' - g * interval '1 minute',
                   CASE WHEN g % 50 = 10 THEN 5 ELSE 2 END
            FROM generate_series(1, 2600) g;
            ANALYZE patterns;
            """, new { user });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData("sort=like_count")]
    [InlineData("sort=created_at")]
    public async Task a_window_short_of_a_page_is_followed_from_where_it_stopped(string sort)
    {
        int[] amber = [1, 2, 3, 4, 5, 2000, .. Enumerable.Range(2200, 30)];

        var first = await SearchAsync($"query=amber&{sort}");
        var second = await SearchAsync($"query=amber&{sort}&cursor={Uri.EscapeDataString(first.NextCursor!)}");

        Assert.Equal(amber.Take(20).Select(g => $"Amber {g}"), first.Data.Select(p => p.Name));
        Assert.Equal(amber.Skip(20).Select(g => $"Amber {g}"), second.Data.Select(p => p.Name));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task a_window_that_runs_out_of_rows_holds_every_match()
    {
        var page = await SearchAsync("query=cobalt&difficulty_min=5&sort=like_count");

        Assert.Equal(["Cobalt 10", "Cobalt 60", "Cobalt 2510"], page.Data.Select(p => p.Name));
        Assert.Null(page.NextCursor);
    }

    private Task<SearchPage> SearchAsync(string shape) => _store.SearchAsync(TestCursors.Search(shape), caller: null, CancellationToken.None);
}
