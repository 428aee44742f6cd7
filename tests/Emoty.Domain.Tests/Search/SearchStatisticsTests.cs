using Emoty.Admin.Generator;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// Search decides whether a window's walk can fill a page from the shares of words and tags ANALYZE measured, as copied into
/// search_element_shares: null before any statistics (the window then walks as it always did), ANALYZE's figures after a refresh,
/// and what ANALYZE measured since only once refreshed again.
/// </summary>
public sealed class SearchStatisticsTests
{
    [Fact]
    public async Task the_shares_are_what_analyze_measured_as_of_the_last_refresh()
    {
        var connectionString = await TestServices.CreateDatabaseAsync("statistics");
        await using var database = PostgresSetup.CreateDataSource(connectionString);
        await using var connection = await database.OpenConnectionAsync();
        Assert.Null(await ShareAsync(connection, "search_vector", "heart"));

        // 3,000 rows: ANALYZE reads every one of them (its sample is 30,000), so the shares are the counts.
        await RealisticData.SeedAsync(connection, 3_000, seed: 3, progress: null, CancellationToken.None);
        var (word, expected) = await connection.QuerySingleAsync<(string, double)>("""
            SELECT word, ndoc::float8 / (SELECT count(*) FROM patterns) FROM ts_stat('SELECT search_vector FROM patterns') ORDER BY ndoc DESC, word LIMIT 1
            """);
        Assert.Equal(expected, (await ShareAsync(connection, "search_vector", word))!.Value, precision: 2);
        var unlisted = (await ShareAsync(connection, "tags", "freshly-added"))!.Value;
        Assert.InRange(unlisted, double.Epsilon, 0.01);

        await connection.ExecuteAsync("UPDATE patterns SET tags = tags[1:1] || '{freshly-added}'; ANALYZE patterns");
        Assert.Equal(unlisted, await ShareAsync(connection, "tags", "freshly-added"));

        await new SearchStatistics(database).RefreshAsync(CancellationToken.None);
        Assert.Equal(1.0, (await ShareAsync(connection, "tags", "freshly-added"))!.Value, precision: 2);
    }

    private static Task<double?> ShareAsync(NpgsqlConnection connection, string field, string element) =>
        connection.ExecuteScalarAsync<double?>("SELECT emoty_element_share(@field, @element)", new { field, element });
}
