// Search on realistic data (the project's generator: a skewed vocabulary of real and invented
// words, skewed tags, heavy-tailed counts), at several sizes, each seeded once in the developer test
// instance (.local/test-dev) and reused. Every shape is timed three ways on the same database: the
// project's search store, the same search over HTTP through the local host, and the straightforward
// SQL of it, each warm: a design runs its draws once untimed, then timed. Prints p50/p95/p99/max per shape and the ratio project / straightforward, checks the
// targets of docs/benchmarks.md at the largest size, and draws docs/search-p99.png.
//   dotnet run -c Release --project bench/Emoty.Search.Bench [-- --patterns 10000,100000,1000000 --seed 1 --runs 200 --budget 20 --no-http --only TEXT]
//   --slowest N: after each shape, its N slowest searches in the project (to --explain them).
//   --writes N: only the write cost, N creates then N updates of one pattern over HTTP on the largest size (what every index costs a write).
//   --warmup S: seconds of the HTTP load run untimed before the timed 20 s (default 30).
using System.Diagnostics;
using Dapper;
using Emoty.Admin.Generator;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Emoty.Search.Bench;
using Emoty.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var sizes = Argument("--patterns", "10000,100000,1000000").Split(',').Select(int.Parse).Order().ToArray();
var seed = int.Parse(Argument("--seed", "1"));
var runs = int.Parse(Argument("--runs", "200"));
var overHttp = !args.Contains("--no-http");
var root = RepositoryRoot();
var budget = TimeSpan.FromSeconds(int.Parse(Argument("--budget", "20")));
// --only TEXT keeps the shapes whose name contains it (while working on one).
var only = Argument("--only", "");
var slowest = int.Parse(Argument("--slowest", "0"));
var warmup = TimeSpan.FromSeconds(int.Parse(Argument("--warmup", "30")));
var shapes = Workload.Shapes().Where(s => s.Name.Contains(only, StringComparison.Ordinal)).ToList();
var results = new Dictionary<int, List<Result>>();
var ok = true;

DapperSetup.Configure();
// --explain "QUERY STRING" [--as USER]: the plans of that search's statements on the largest size, then stop.
if (Argument("--explain", "") is { Length: > 0 } explain)
{
    await using var database = PostgresSetup.CreateDataSource(await SeededDatabaseAsync(sizes[^1], seed));
    await using var connection = await database.OpenConnectionAsync();
    Guid? user = Argument("--as", "") is { Length: > 0 } id ? Guid.Parse(id) : null;
    var query = PatternSearchQuery.Parse(Parameters(explain), TestCursors.Signer);
    foreach (var (name, sql, settings, parameters) in PatternSearchStore.StatementsFor(query, user))
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(PatternSearchStore.PlannerSettings + settings, transaction: transaction);
        var plan = await connection.QueryAsync<string>("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, parameters, transaction);
        Console.WriteLine($"-- {name}\n{sql}\n{string.Join('\n', plan)}\n");
    }

    return 0;
}

if (Argument("--writes", "") is { Length: > 0 } writeCount)
{
    var connectionString = await SeededDatabaseAsync(sizes[^1], seed);
    await using var database = PostgresSetup.CreateDataSource(connectionString);
    await using var connection = await database.OpenConnectionAsync();
    var creator = (await Workload.ReadAsync(connection)).Creators[0];
    // The project's indexes only: the straightforward design's are the benchmark's, not a cost the app pays
    // (the next run builds them again).
    await connection.ExecuteAsync(
        "DROP INDEX IF EXISTS bench_straightforward_search_idx, bench_straightforward_tags_idx, bench_straightforward_filters_idx");
    await using (var app = await HttpApp.StartAsync(root, connectionString))
    {
        var writes = await app.WritesAsync(creator, int.Parse(writeCount));
        Console.WriteLine($"{sizes[^1]:N0} patterns, one pattern over HTTP, {writeCount} each: create p50 {writes.Create.P50:N2} p95 {writes.Create.P95:N2} ms, update p50 {writes.Update.P50:N2} p95 {writes.Update.P95:N2} ms");
    }

    // The seeded data stays as the generator made it for the next run.
    await connection.ExecuteAsync(HttpApp.DeleteWrittenSql, new { creator });
    return 0;
}

Console.WriteLine($"Search benchmark: {Environment.ProcessorCount} cores, {runs} runs per shape (fewer for a design past {budget.TotalSeconds:N0} s a shape), times in ms");
foreach (var size in sizes)
{
    var connectionString = await SeededDatabaseAsync(size, seed);
    await using var database = PostgresSetup.CreateDataSource(connectionString);
    await using var straightforward = await database.OpenConnectionAsync();
    // Without JIT and planned for each run's values, as pgbench runs it: the comparison is of
    // designs, not of a setting (JIT costs more than it saves here; a generic plan of an
    // auto-prepared statement ignores how common the word is).
    await straightforward.ExecuteAsync("SET jit = off; SET plan_cache_mode = force_custom_plan");
    var workload = await Workload.ReadAsync(straightforward);
    var store = new PatternSearchStore(database, TestCursors.Signer);
    await using var app = overHttp ? await HttpApp.StartAsync(root, connectionString) : null;

    // Settle first: the host and its worker compile and warm up for a while after their health check,
    // and timed beside that, the first size's figures came out up to twice the later ones.
    foreach (var warmUp in shapes.SelectMany(shape => Enumerable.Range(0, 3).Select(run => (shape, run))))
    {
        var random = new Random(warmUp.run);
        Guid? caller = warmUp.shape.SignedIn ? workload.Callers[random.Next(workload.Callers.Length)] : null;
        var text = warmUp.shape.Draw(workload, random);
        await store.SearchAsync(PatternSearchQuery.Parse(Parameters(text), TestCursors.Signer), caller, CancellationToken.None);
        if (app is not null)
        {
            await app.SearchAsync(text, caller);
        }
    }

    Console.WriteLine();
    Console.WriteLine($"{size:N0} patterns (seed {seed}): {workload.Summary}");
    Console.WriteLine($"  {"shape",-62} {"project p50/p95/p99/max",-28} {"http p99",9} {"straightforward p50/p95/p99/max",-32} {"p99 ratio",9}");
    var rows = new List<Result>();
    for (var index = 0; index < shapes.Count; index++)
    {
        var shape = shapes[index];
        (PatternSearchQuery Query, Guid? Caller, string Text) Draw(int run)
        {
            var random = new Random(index * 100_003 + run + 7);
            Guid? caller = shape.SignedIn ? workload.Callers[random.Next(workload.Callers.Length)] : null;
            var text = shape.Draw(workload, random);
            return (PatternSearchQuery.Parse(Parameters(text), TestCursors.Signer), caller, text);
        }

        var projectRuns = new List<(int Run, double Ms)>();
        var project = await Measure.TimeAsync(runs, budget, async run =>
        {
            var (query, caller, _) = Draw(run);
            await store.SearchAsync(query, caller, CancellationToken.None);
        }, (run, ms) => projectRuns.Add((run, ms)));
        var plain = await Measure.TimeAsync(runs, budget, async run =>
        {
            var (query, caller, _) = Draw(run);
            await Straightforward.SearchAsync(straightforward, query, caller);
        });
        var http = app is null ? null : await Measure.TimeAsync(runs, budget, async run =>
        {
            var (_, caller, text) = Draw(run);
            await app.SearchAsync(text, caller);
        });
        rows.Add(Print(new Result(shape.Name, shape.TargetMs, project, http, plain)));
        foreach (var (run, ms) in projectRuns.OrderByDescending(r => r.Ms).Take(slowest))
        {
            var (_, caller, text) = Draw(run);
            Console.WriteLine($"      {ms,8:N2} ms  {text}{(caller is { } c ? $"  (--as {c})" : "")}");
        }
    }

    foreach (var (name, signedIn, draw) in Workload.PagedShapes().Where(s => s.Name.Contains(only, StringComparison.Ordinal)))
    {
        var random = new Random(name.Length);
        Guid? caller = signedIn ? workload.Callers[0] : null;
        var text = draw(random);
        var first = PatternSearchQuery.Parse(Parameters(text), TestCursors.Signer);
        // Each design pages through on its own, as one client would. Interleaved page by page, the straightforward design's
        // scans (0.8-2 s a page at a million patterns, more than the buffer pool) ran between the project's pages, and
        // every project page started cold.
        string? cursor = null;
        var pageTexts = new List<string>();
        var projectTimes = await PageThroughAsync(page =>
        {
            var pageText = page == 0 ? text : $"{text}&cursor={Uri.EscapeDataString(cursor!)}";
            if (page == 0)
            {
                pageTexts.Clear();
            }

            pageTexts.Add(pageText);
            var query = PatternSearchQuery.Parse(Parameters(pageText), TestCursors.Signer);
            return async () => (cursor = (await store.SearchAsync(query, caller, CancellationToken.None)).NextCursor) is not null;
        });
        (object Value, Guid Id)? position = null;
        var plainTimes = await PageThroughAsync(_ => async () =>
            (position = await Straightforward.SearchAsync(straightforward, first, caller, position)) is not null);
        string? httpCursor = null;
        var httpTimes = app is null ? [] : await PageThroughAsync(page =>
        {
            var pageText = page == 0 ? text : $"{text}&cursor={Uri.EscapeDataString(httpCursor!)}";
            return async () => (httpCursor = await app.SearchAsync(pageText, caller)) is not null;
        });

        rows.Add(Print(new Result(name, 2, Stats.Of(projectTimes), httpTimes.Count > 0 ? Stats.Of(httpTimes) : null, Stats.Of(plainTimes))));
        // projectTimes[i] is the page after the first i + 1, pageTexts[i + 1] its query.
        foreach (var (ms, i) in projectTimes.Select((ms, i) => (ms, i)).OrderByDescending(p => p.ms).Take(slowest))
        {
            Console.WriteLine($"      {ms,8:N2} ms  page {i + 2}: {pageTexts[i + 1]}{(caller is { } c ? $"  (--as {c})" : "")}");
        }
    }

    if (app is not null && shapes.Count > 0)
    {
        // The same load first, untimed: for about 20 s of it the worker's JIT still compiles (up to 0.9 s of CPU a second,
        // dotnet-counters), which a Functions instance serving this traffic has long finished.
        await app.LoadAsync(shapes, workload, concurrency: 16, warmup);
        var load = await app.LoadAsync(shapes, workload, concurrency: 16, TimeSpan.FromSeconds(20));
        Console.WriteLine($"  over HTTP, 16 at once, mixed shapes for 20 s: {load.Requests:N0} requests, {load.PerSecond:N0}/s, {load.Errors} errors, p50 {load.Latency.P50:N1} p99 {load.Latency.P99:N1} ms");
        if (size == sizes[^1])
        {
            var met = load.PerSecond >= 1500 && load.Errors == 0 && load.Latency.P99 <= 40;
            ok &= met;
            Console.WriteLine($"  target over HTTP (>= 1,500/s, 0 errors, p99 <= 40 ms): {(met ? "met" : "NOT met")}");
            var writes = await app.WritesAsync(workload.Creators[0], 300);
            Console.WriteLine($"  one pattern over HTTP, 300 each: create p50 {writes.Create.P50:N2} ms, update p50 {writes.Update.P50:N2} ms");
            await straightforward.ExecuteAsync(HttpApp.DeleteWrittenSql, new { creator = workload.Creators[0] });
        }
    }

    results[size] = rows;
}

var largest = results[sizes[^1]];
var smallest = results[sizes[0]];
Console.WriteLine();
Console.WriteLine($"Targets at {sizes[^1]:N0} patterns (p99 in the database), and growth from {sizes[0]:N0} (p99 ratio <= 2):");
foreach (var row in largest)
{
    var growth = row.Project.P99 / smallest.Single(r => r.Shape == row.Shape).Project.P99;
    var met = row.Project.P99 <= row.TargetMs && (sizes.Length == 1 || growth <= 2);
    ok &= met;
    Console.WriteLine($"  {row.Shape,-62} p99 {row.Project.P99,7:N2} (target {row.TargetMs,3} ms)  growth x{growth,5:N2}  {(met ? "met" : "NOT met")}");
}

if (sizes.Length > 1)
{
    var chart = Path.Combine(root, "docs", "search-p99.png");
    Chart.Write(chart, sizes, results);
    Console.WriteLine($"chart: {Path.GetRelativePath(root, chart)}");
}

Console.WriteLine(ok ? "every target met" : "some targets NOT met");
return ok ? 0 : 1;

static Result Print(Result row)
{
    static string Cell(Stats s) => $"{s.P50,6:N2} {s.P95,6:N2} {s.P99,6:N2} {s.Max,7:N2}";
    Console.WriteLine($"  {row.Shape,-62} {Cell(row.Project),-28} {(row.Http is { } h ? h.P99.ToString("N2") : "-"),9} {Cell(row.Straightforward),-32} {row.Project.P99 / row.Straightforward.P99,9:N2}");
    return row;
}

async Task<string> SeededDatabaseAsync(int patterns, int seed)
{
    var admin = await TestServices.PostgresAdminConnectionStringAsync();
    var name = $"emoty_bench_search_{patterns}_s{seed}_v{RealisticData.Version}";
    await using (var connection = new NpgsqlConnection(admin))
    {
        if (await connection.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @name", new { name }) is null)
        {
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }
    }

    var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
    // A connection of its own: the generator opens more like it, which a pooled one (no password kept) cannot give.
    await using var seeding = new NpgsqlConnection(connectionString);
    await seeding.OpenAsync();
    if (await seeding.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns") == 0)
    {
        Console.WriteLine($"seeding {patterns:N0} patterns (seed {seed}) into {name}; later runs reuse them");
        var watch = Stopwatch.StartNew();
        await RealisticData.SeedAsync(seeding, patterns, seed, progress: null, CancellationToken.None);
        Console.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:N0} s");
    }

    // The straightforward design finds a word, tag or filter for every visibility in one index of
    // all live rows each (the word and tag indexes, and the filter index migration 0002 had); the
    // project's hold public rows only (migrations 0016, 0017), which its plain SQL cannot use.
    await seeding.ExecuteAsync(
        "CREATE INDEX IF NOT EXISTS bench_straightforward_search_idx ON patterns USING gin (search_vector) WHERE deleted_at IS NULL;"
        + "CREATE INDEX IF NOT EXISTS bench_straightforward_tags_idx ON patterns USING gin (tags) WHERE deleted_at IS NULL;"
        + "CREATE INDEX IF NOT EXISTS bench_straightforward_filters_idx ON patterns"
        + " USING gin (size, difficulty_rating, complexity_score, palette_id, is_ai_generated, created_at) WHERE deleted_at IS NULL",
        commandTimeout: 1200);
    await seeding.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 1200);
    return connectionString;
}

static IEnumerable<KeyValuePair<string, string?>> Parameters(string text) =>
    text.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
        .Select(p => new KeyValuePair<string, string?>(p[0], Uri.UnescapeDataString(p[1])));

string Argument(string name, string fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Emoty.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}

// Up to 50 pages after the first, timed one by one; the first page is a search like any other, what paging adds is every page after it.
// page(n) prepares page n untimed (its query string, the parse) and returns the search, which alone is timed; it says whether a next page exists.
// Each design pages through once untimed first, so both are timed warm (see Measure.TimeAsync), and the timed pass runs without
// the bench's own garbage collections (Measure.WithoutCollectionsAsync).
static async Task<List<double>> PageThroughAsync(Func<int, Func<Task<bool>>> page)
{
    await PassAsync();
    return await Measure.WithoutCollectionsAsync(PassAsync);

    async Task<List<double>> PassAsync()
    {
        var times = new List<double>();
        for (var n = 0; n < 51; n++)
        {
            var search = page(n);
            var watch = Stopwatch.StartNew();
            var more = await search();
            if (n > 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            if (!more)
            {
                break;
            }
        }

        return times;
    }
}

public sealed record Result(string Shape, int TargetMs, Stats Project, Stats? Http, Stats Straightforward);
