// Search latency at scale: seeds (once, then reuses) a database of synthetic patterns in the
// developer test instance (.local/test-dev, started on demand), then times every search shape of
// api.md through the domain's search store, as anonymous and as a signed-in caller, and a walk
// through 50 pages by cursor. Prints p50/p95/p99 per shape.
using System.Diagnostics;
using Dapper;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Emoty.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var rows = args.Length == 2 && args[0] == "--rows" ? int.Parse(args[1]) : 1_000_000;
const int Iterations = 60;
const double TargetP95Ms = 50;

var admin = await TestServices.PostgresAdminConnectionStringAsync();
var name = $"emoty_bench_search_{rows}_v{SyntheticPatterns.Version}";
await using (var connection = new NpgsqlConnection(admin))
{
    if (await connection.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @name", new { name }) is null)
    {
        await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
    }
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
await using (var connection = new NpgsqlConnection(connectionString))
{
    var present = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns");
    if (present != rows)
    {
        Console.WriteLine($"seeding {rows:N0} patterns into {name} (once; later runs reuse them) ...");
        var seeding = Stopwatch.StartNew();
        await connection.ExecuteAsync("TRUNCATE patterns, users CASCADE", commandTimeout: 600);
        await SyntheticPatterns.SeedAsync(connection, rows);
        Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:N0} s");
    }
}

await using var database = PostgresSetup.CreateDataSource(connectionString);
var store = new PatternSearchStore(database, TestCursors.Signer);
string[] shapes =
[
    "", "sort=updated_at", "sort=like_count", "sort=view_count", "sort=name&direction=asc", "sort=difficulty_rating",
    "sort=complexity_score&direction=asc", "query=sunset", "query=sunset&sort=created_at", "query=%22ocean waves%22 -storm",
    "tags=tag7", "tags=tag7,tag51", "any_tags=tag1,tag2,tag3", "user_id=00000000-0000-4000-8000-000000000010",
    "palette_id=palette-3", "difficulty_min=2&difficulty_max=3", "complexity_min=9.5", "size_min=60&size_max=64",
    "is_ai_generated=true", "query=garden&tags=tag3&difficulty_min=2&sort=like_count", "limit=100&sort=view_count",
    "offset=5000&sort=name&direction=asc", "include=total", "include=facets&tags=tag7",
];

Console.WriteLine($"Search on {rows:N0} patterns: {Environment.ProcessorCount} cores, {Iterations} runs per shape and caller (ms)");
Console.WriteLine($"  {"search",-58} {"caller",-10} {"p50",7} {"p95",7} {"p99",7}");
var worst = 0.0;
var worstRanked = 0.0;
foreach (var shape in shapes)
{
    foreach (var caller in new Guid?[] { null, SyntheticPatterns.Owner })
    {
        var query = PatternSearchQuery.Parse(Parameters(shape), TestCursors.Signer);
        var (p50, p95, p99) = await TimeAsync(() => store.SearchAsync(query, caller, CancellationToken.None));
        // Ranking by relevance must score every match, so its cost grows with how common the words are.
        if (query.Sort == PatternSort.Relevance)
        {
            worstRanked = Math.Max(worstRanked, p95);
        }
        else
        {
            worst = Math.Max(worst, p95);
        }

        Console.WriteLine($"  {(shape.Length == 0 ? "(newest first)" : shape),-58} {(caller is null ? "anonymous" : "signed in"),-10} {p50,7:N2} {p95,7:N2} {p99,7:N2}");
    }
}

// Fifty pages by cursor, as a client scrolls: every page must cost the same as the first.
var pageTimes = new List<double>();
foreach (var caller in new Guid?[] { null, SyntheticPatterns.Owner })
{
    string? cursor = null;
    for (var page = 0; page < 50; page++)
    {
        var query = PatternSearchQuery.Parse(Parameters("sort=like_count&limit=50" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))), TestCursors.Signer);
        var watch = Stopwatch.StartNew();
        var result = await store.SearchAsync(query, caller, CancellationToken.None);
        pageTimes.Add(watch.Elapsed.TotalMilliseconds);
        cursor = result.NextCursor;
    }
}

pageTimes.Sort();
var pagesP95 = Percentile(pageTimes, 0.95);
worst = Math.Max(worst, pagesP95);
Console.WriteLine($"  {"50 pages by cursor (sort=like_count, limit=50)",-58} {"both",-10} {Percentile(pageTimes, 0.5),7:N2} {pagesP95,7:N2} {Percentile(pageTimes, 0.99),7:N2}");
Console.WriteLine($"target: every filtered or sorted shape p95 <= {TargetP95Ms} ms at {rows:N0} patterns: {(worst <= TargetP95Ms ? "met" : "NOT met")} (worst p95 {worst:N2} ms)");
Console.WriteLine($"relevance-ranked full text (scores every match; 'sunset' matches 12 % of all patterns): worst p95 {worstRanked:N2} ms, no target yet");
return worst <= TargetP95Ms ? 0 : 1;

static IEnumerable<KeyValuePair<string, string?>> Parameters(string shape) =>
    shape.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
        .Select(p => new KeyValuePair<string, string?>(p[0], Uri.UnescapeDataString(p[1])));

static async Task<(double P50, double P95, double P99)> TimeAsync(Func<Task> search)
{
    for (var i = 0; i < 3; i++)
    {
        await search();
    }

    var times = new List<double>(Iterations);
    for (var i = 0; i < Iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        await search();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return (Percentile(times, 0.5), Percentile(times, 0.95), Percentile(times, 0.99));
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
