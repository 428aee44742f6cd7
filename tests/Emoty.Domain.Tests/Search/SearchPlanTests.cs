using System.Text.Json;
using Dapper;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Emoty.Testing;
using Npgsql;

namespace Emoty.Domain.Tests.Search;

/// <summary>100,000 synthetic patterns, shared by every plan test.</summary>
public sealed class SeededPatterns : IAsyncLifetime
{
    public const int Rows = 100_000;
    public string ConnectionString { get; private set; } = "";
    public Guid Owner => SyntheticPatterns.Owner;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServices.CreateDatabaseAsync("plans");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await SyntheticPatterns.SeedAsync(connection, Rows);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class SearchPlanTests(SeededPatterns seeded) : IClassFixture<SeededPatterns>
{
    public static TheoryData<string, bool> Searches()
    {
        var data = new TheoryData<string, bool>();
        string[] searches =
        [
            "", "sort=updated_at", "sort=like_count", "sort=view_count", "sort=name&direction=asc", "sort=difficulty_rating",
            "sort=complexity_score&direction=asc", "query=sunset", "query=sunset&sort=created_at", "query=%22ocean waves%22 -storm",
            "tags=tag7", "tags=tag7,tag51", "any_tags=tag1,tag2,tag3", "user_id=00000000-0000-4000-8000-000000000010",
            "parent_pattern_id=00000000-0000-4000-8000-000000000020",
            "palette_id=palette-3", "difficulty_min=2&difficulty_max=3", "complexity_min=9.5", "size_min=60&size_max=64",
            "size_max=2", "is_public=true", "is_ai_generated=true", "created_after=2026-01-01T00:00:00Z&created_before=2030-01-01T00:00:00Z",
            "query=garden&tags=tag3&difficulty_min=2&sort=like_count", "offset=500&sort=name&direction=asc", "limit=100&sort=view_count",
        ];
        foreach (var search in searches)
        {
            data.Add(search, false);
            data.Add(search, true);
        }

        data.Add("favorited_by_me=true", true);
        data.Add("is_public=false", true);
        data.Add("favorited_by_me=false&sort=like_count", true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task no_search_statement_reads_the_patterns_table_sequentially(string search, bool signedIn)
    {
        var parameters = search.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string?>(p[0], Uri.UnescapeDataString(p[1])))
            .Append(new("include", "total,facets"))
;
        var query = PatternSearchQuery.Parse(parameters, TestCursors.Signer);
        if (query.Offset is null)
        {
            // Continue from a cursor too: the keyset predicate must be served by the same index.
            query = query with { Cursor = SearchCursor.After(query, SampleValue(query.Sort), Guid.NewGuid()) };
        }

        DapperSetup.Configure();
        await using var connection = new NpgsqlConnection(seeded.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(PatternSearchStore.PlannerSettings, transaction: transaction);
        foreach (var (name, sql, sqlParameters) in PatternSearchStore.StatementsFor(query, signedIn ? seeded.Owner : null))
        {
            var plan = await connection.ExecuteScalarAsync<string>("EXPLAIN (FORMAT JSON) " + sql, sqlParameters, transaction);
            var scans = SequentialScans(JsonDocument.Parse(plan!).RootElement).ToList();
            Assert.True(scans.Count == 0, $"{name} statement of '{search}' (signed in: {signedIn}) scans {string.Join(", ", scans)} sequentially:\n{plan}");
        }
    }

    private static object SampleValue(PatternSort sort) => sort switch
    {
        PatternSort.CreatedAt or PatternSort.UpdatedAt => DateTimeOffset.UtcNow.AddDays(-10),
        PatternSort.LikeCount or PatternSort.ViewCount => 2500L,
        PatternSort.DifficultyRating => (short)3,
        PatternSort.ComplexityScore => 5.5m,
        PatternSort.Name => "Ocean",
        _ => 0.05f,
    };

    private static IEnumerable<string> SequentialScans(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                foreach (var scan in SequentialScans(item))
                {
                    yield return scan;
                }
            }

            yield break;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        if (node.TryGetProperty("Node Type", out var type) && type.GetString() == "Seq Scan"
            && node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == "patterns")
        {
            yield return relation.GetString()!;
        }

        foreach (var property in node.EnumerateObject())
        {
            foreach (var scan in SequentialScans(property.Value))
            {
                yield return scan;
            }
        }
    }
}
