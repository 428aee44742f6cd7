namespace Emoty.Domain.Tests.Persistence;

/// <summary>
/// The grid's CHECK (emoty_sequence_is_valid, migration 0021) accepts every grid the API stores and refuses every malformed one,
/// whatever path wrote it.
/// </summary>
public sealed class GridCheckTests
{
    private static readonly Lazy<Task<string>> Database = new(() => TestServices.CreateDatabaseAsync("grid_check"));

    private const string Sunrise = "🌅";

    private static string Cell(string row, string col, string emoji = $"\"{Sunrise}\"") =>
        "{\"emoji\":" + emoji + ",\"position\":{\"row\":" + row + ",\"col\":" + col + "}}";

    private static string Grid(params string[] cells) => $$"""{"emojis":[{{string.Join(',', cells)}}]}""";

    public static TheoryData<string, string, int, bool> Grids => new()
    {
        { "an empty canvas", Grid(), 1, true },
        { "one cell", Grid(Cell("0", "0")), 1, true },
        { "a full 2×2 grid", Grid(Cell("0", "0"), Cell("0", "1"), Cell("1", "0"), Cell("1", "1")), 2, true },
        { "the last cell of the largest grid", Grid(Cell("63", "63")), 64, true },
        { "metadata beside the cells", """{"emojis":[],"metadata":{"symmetry":"radial"}}""", 4, true },
        { "an integral number written with a fraction", Grid(Cell("1.0", "0")), 2, true },
        { "an emoji of 32 bytes", Grid(Cell("0", "0", $"\"{string.Concat(Enumerable.Repeat(Sunrise, 8))}\"")), 1, true },
        { "a family emoji", Grid(Cell("0", "0", "\"👨‍👩‍👧‍👦\"")), 1, true },

        { "an array, not an object", $"[\"{Sunrise}\"]", 4, false },
        { "no cells at all", "{}", 4, false },
        { "cells that are an object", """{"emojis":{}}""", 4, false },
        { "more cells than the grid holds", Grid(Cell("0", "0"), Cell("0", "1"), Cell("1", "0"), Cell("1", "1"), Cell("0", "0")), 2, false },
        { "a row past the grid", Grid(Cell("4", "0")), 4, false },
        { "a column past the grid", Grid(Cell("0", "4")), 4, false },
        { "a negative row", Grid(Cell("-1", "0")), 4, false },
        { "a fractional column", Grid(Cell("0", "1.5")), 4, false },
        { "a row as a string", Grid(Cell("\"1\"", "0")), 4, false },
        { "a column that is null", Grid(Cell("0", "null")), 4, false },
        { "a cell without a position", $$"""{"emojis":[{"emoji":"{{Sunrise}}"}]}""", 4, false },
        { "a position that is an array", $$"""{"emojis":[{"emoji":"{{Sunrise}}","position":[0,0]}]}""", 4, false },
        { "a cell that is a string", $"{{\"emojis\":[\"{Sunrise}\"]}}", 4, false },
        { "an emoji that is a number", Grid(Cell("0", "0", "7")), 4, false },
        { "an empty emoji", Grid(Cell("0", "0", "\"\"")), 4, false },
        { "an emoji of 33 bytes", Grid(Cell("0", "0", $"\"{string.Concat(Enumerable.Repeat(Sunrise, 8))}a\"")), 1, false },
        { "two cells on one position", Grid(Cell("0", "0"), Cell("0", "0", "\"🌸\"")), 4, false },
        { "one position written two ways", Grid(Cell("1", "0"), Cell("1.0", "0", "\"🌸\"")), 4, false },
        { "a size of 0", Grid(), 0, false },
        { "a size past 64", Grid(Cell("0", "0")), 65, false },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public async Task the_grid_check_accepts_well_formed_grids_and_refuses_the_rest(string grid, string sequence, int size, bool valid)
    {
        await using var connection = new NpgsqlConnection(await Database.Value);
        await connection.OpenAsync();

        var verdict = await connection.ExecuteScalarAsync<bool>("SELECT emoty_sequence_is_valid(@sequence::jsonb, @size)", new { sequence, size });

        Assert.True(verdict == valid, $"{grid}: {sequence} at size {size} should be {(valid ? "accepted" : "refused")}");
    }
}
