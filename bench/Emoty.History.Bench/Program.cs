// History at scale: the analytics refresh, reads and feed pulls while it runs, and pruning, on
// realistic data (the project's generator, seeded once per size and seed in the developer test
// instance, .local/test-dev, then reused). Each figure stands beside the straightforward design on
// the same database: a view that stamps every row with the refresh time and adds up the rollups,
// and a feed bounded by the oldest transaction running anywhere.
//   dotnet run -c Release --project bench/Emoty.History.Bench [-- --patterns N --seed S]
using System.Diagnostics;
using Dapper;
using Emoty.Admin.Generator;
using Emoty.Domain.Analytics;
using Emoty.Domain.Persistence;
using Emoty.Domain.Sync;
using Emoty.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var patterns = Argument("--patterns", 1_000_000);
var seed = Argument("--seed", 1);
// The straightforward view, as migrations 0005 and 0007 defined it: every pattern, a refresh stamp
// in each row, raw events added up.
const string StraightforwardViewSql = """
    CREATE MATERIALIZED VIEW IF NOT EXISTS bench_straightforward_analytics AS
    SELECT p.id AS pattern_id, p.user_id AS user_id,
           coalesce(s.views, 0) AS views, coalesce(s.likes, 0) AS likes, coalesce(s.shares, 0) AS shares,
           coalesce(s.copies, 0) AS copies, coalesce(s.downloads, 0) AS downloads, coalesce(s.edits, 0) AS edits,
           coalesce(u.unique_users, 0) AS unique_users, coalesce(c.collection_count, 0) AS collection_count,
           u.last_event_at AS last_event_at, now() AS refreshed_at
    FROM patterns p
    LEFT JOIN (
        SELECT pattern_id, sum(views)::bigint AS views, sum(likes)::bigint AS likes, sum(shares)::bigint AS shares,
               sum(copies)::bigint AS copies, sum(downloads)::bigint AS downloads, sum(edits)::bigint AS edits
        FROM pattern_usage_stats GROUP BY pattern_id
    ) s ON s.pattern_id = p.id
    LEFT JOIN (
        SELECT pattern_id, count(DISTINCT viewer) AS unique_users, max(occurred_at) AS last_event_at
        FROM pattern_usage_events GROUP BY pattern_id
    ) u ON u.pattern_id = p.id
    LEFT JOIN (SELECT pattern_id, count(*) AS collection_count FROM pattern_collection_items GROUP BY pattern_id) c ON c.pattern_id = p.id
    WHERE p.deleted_at IS NULL
    WITH DATA;
    CREATE UNIQUE INDEX IF NOT EXISTS bench_straightforward_analytics_key ON bench_straightforward_analytics (pattern_id);
    """;
const double TargetRefreshSeconds = 2;
const double TargetVisibleMs = 1000;
var changed = Math.Max(1, patterns / 100);

var admin = await TestServices.PostgresAdminConnectionStringAsync();
var name = $"emoty_bench_history_{patterns}_s{seed}_v{RealisticData.Version}";
await using (var connection = new NpgsqlConnection(admin))
{
    if (await connection.ExecuteScalarAsync<int?>("SELECT 1 FROM pg_database WHERE datname = @name", new { name }) is null)
    {
        await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
    }
}

var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
DatabaseMigrator.Migrate(connectionString, NullLogger.Instance);
await using var database = PostgresSetup.CreateDataSource(connectionString);
// A connection of its own: the generator opens more like it, which a pooled one (no password kept) cannot give.
await using (var connection = new NpgsqlConnection(connectionString))
{
    await connection.OpenAsync();
    if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns") == 0)
    {
        Console.WriteLine($"seeding {patterns:N0} patterns (seed {seed}) into {name}; later runs reuse them");
        var seeding = Stopwatch.StartNew();
        await RealisticData.SeedAsync(connection, patterns, seed, progress: null, CancellationToken.None);
        Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:N0} s");
    }

    await connection.ExecuteAsync(StraightforwardViewSql, commandTimeout: 1200);
}

var analytics = new AnalyticsStore(database, new Transactions(database));
var feed = new SyncFeedStore(database);
Console.WriteLine($"History on {patterns:N0} patterns (seed {seed}), {Environment.ProcessorCount} cores; 1 % = {changed:N0} patterns changed before each refresh");
Console.WriteLine($"  patterns with figures: {await ScalarAsync<long>("SELECT count(*) FROM pattern_usage_totals"):N0}; view rows: {await ScalarAsync<long>("SELECT count(*) FROM user_analytics"):N0} (project, one per creator), {await ScalarAsync<long>("SELECT count(*) FROM bench_straightforward_analytics"):N0} (straightforward, one per pattern)");

// 1. Refresh time and dead rows, three rounds, each after 1 % of the patterns' figures changed.
Console.WriteLine();
Console.WriteLine($"  {"refresh after 1 % changed",-34} {"project s",10} {"dead rows",10} {"straightforward s",18} {"dead rows",10}");
var refreshTimes = new List<double>();
var changedViewRows = new List<long>();
var deadRows = new List<long>();
await analytics.RefreshAsync(CancellationToken.None);
await ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY bench_straightforward_analytics", 1200);
for (var round = 1; round <= 3; round++)
{
    // One statement a command: VACUUM runs in no transaction, and several statements would make one.
    await ExecuteAsync("VACUUM user_analytics", 1200);
    await ExecuteAsync("VACUUM bench_straightforward_analytics", 1200);
    var changedRows = await ChangeFiguresAsync(round);
    var watch = Stopwatch.StartNew();
    await analytics.RefreshAsync(CancellationToken.None);
    var project = watch.Elapsed.TotalSeconds;
    var projectDead = await DeadRowsAsync("user_analytics");
    watch.Restart();
    await ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY bench_straightforward_analytics", 1200);
    var straightforward = watch.Elapsed.TotalSeconds;
    var straightforwardDead = await DeadRowsAsync("bench_straightforward_analytics");
    refreshTimes.Add(project);
    deadRows.Add(projectDead);
    changedViewRows.Add(changedRows);
    Console.WriteLine($"  {$"round {round} ({changedRows:N0} creators changed)",-34} {project,10:N2} {projectDead,10:N0} {straightforward,18:N2} {straightforwardDead,10:N0}");
}

// 2. Analytics reads (a pattern's figures, a user's) alone, then while refreshes run back to back.
var sampledPatterns = (await QueryAsync<(Guid, Guid)>("SELECT t.pattern_id, p.user_id FROM pattern_usage_totals t JOIN patterns p ON p.id = t.pattern_id ORDER BY md5(t.pattern_id::text) LIMIT 200")).ToArray();
var quiet = await ReadWhileAsync(() => Task.Delay(TimeSpan.FromSeconds(5)));
var busy = await ReadWhileAsync(async () =>
{
    for (var round = 10; round < 13; round++)
    {
        await ChangeFiguresAsync(round);
        await analytics.RefreshAsync(CancellationToken.None);
    }
});
Console.WriteLine();
Console.WriteLine($"  {"analytics reads (ms)",-34} {"p50",10} {"p99",10} {"reads",10}");
Console.WriteLine($"  {"no refresh running",-34} {Percentile(quiet, 0.5),10:N2} {Percentile(quiet, 0.99),10:N2} {quiet.Count,10:N0}");
Console.WriteLine($"  {"refreshes running back to back",-34} {Percentile(busy, 0.5),10:N2} {Percentile(busy, 0.99),10:N2} {busy.Count,10:N0}");

// 3. The feed while the straightforward view refreshes (the longest transaction the app used to
// run): how long a write takes to reach its writer's pull, with the project's bound and with the
// bound of the oldest running transaction.
var (writer, written) = await QuerySingleAsync<(Guid, Guid)>("""
    SELECT p.user_id, p.id FROM patterns p
    WHERE p.deleted_at IS NULL AND (SELECT count(*) FROM patterns q WHERE q.user_id = p.user_id) BETWEEN 2 AND 50
    ORDER BY p.id LIMIT 1
    """);
// Walked from the start, as a client syncing afresh does.
var cursor = SyncCursor.Start;
for (FeedPage? page; (page = await feed.ReadAsync(writer, cursor, 500, CancellationToken.None)) is { Rows.Count: > 0 };)
{
    cursor = page.Rows[^1].Cursor.IssuedAt(page.PrunedThrough);
}

var visibleProject = new List<double>();
var visibleStraightforward = new List<double>();
var pulls = new List<double>();
var pending = new List<(string Xid, Stopwatch Since)>();
var refresh = ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY bench_straightforward_analytics", 1200);
// When the bound of the oldest running transaction lets each edit through, whatever the project's pulls do.
var oldBound = Task.Run(async () =>
{
    while (!refresh.IsCompleted || pending.Count > 0)
    {
        var xmin = await ScalarAsync<string>("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
        lock (pending)
        {
            foreach (var edit in pending.Where(e => ulong.Parse(e.Xid, System.Globalization.CultureInfo.InvariantCulture) < ulong.Parse(xmin, System.Globalization.CultureInfo.InvariantCulture)).ToList())
            {
                visibleStraightforward.Add(edit.Since.Elapsed.TotalMilliseconds);
                pending.Remove(edit);
            }
        }

        await Task.Delay(10);
    }
});
await Task.Delay(200);
while (!refresh.IsCompleted && visibleProject.Count < 200)
{
    var xid = await ScalarAsync<string>("UPDATE patterns SET version = version + 1 WHERE id = @written RETURNING change_xid::text", new { written });
    var since = Stopwatch.StartNew();
    lock (pending)
    {
        pending.Add((xid, since));
    }

    while (since.Elapsed < TimeSpan.FromSeconds(60))
    {
        var pull = Stopwatch.StartNew();
        var page = await feed.ReadAsync(writer, cursor, 100, CancellationToken.None)
            ?? throw new InvalidOperationException("The writer's cursor expired in the middle of the run.");
        pulls.Add(pull.Elapsed.TotalMilliseconds);
        if (page.Rows.Any(r => r.PatternId == written))
        {
            cursor = page.Rows[^1].Cursor.IssuedAt(page.PrunedThrough);
            visibleProject.Add(since.Elapsed.TotalMilliseconds);
            break;
        }

        await Task.Delay(10);
    }

    await Task.Delay(50);
}

await refresh;
await oldBound;
Console.WriteLine();
Console.WriteLine($"  {"feed during a long refresh (ms)",-34} {"p50",10} {"p99",10} {"max",10}");
Console.WriteLine($"  {"pull (project)",-34} {Percentile(pulls, 0.5),10:N2} {Percentile(pulls, 0.99),10:N2} {pulls.Max(),10:N2}");
Console.WriteLine($"  {"write → writer's pull (project)",-34} {Percentile(visibleProject, 0.5),10:N2} {Percentile(visibleProject, 0.99),10:N2} {visibleProject.Max(),10:N2}");
Console.WriteLine($"  {"write → pull (straightforward bound)",-34} {Percentile(visibleStraightforward, 0.5),10:N2} {Percentile(visibleStraightforward, 0.99),10:N2} {visibleStraightforward.Max(),10:N2}");

// 4. Pruning throughput: half a million feed events and raw usage events past their retention.
const int Aged = 500_000;
await ExecuteAsync($"""
    SELECT emoty_join_feed_writers();
    INSERT INTO sync_feed_events (user_id, pattern_id, change, created_at)
    SELECT u.id, gen_random_uuid(), 'delete', now() - interval '40 days'
    FROM (SELECT id FROM users ORDER BY id LIMIT 1000) u, generate_series(1, {Aged / 1000});
    INSERT INTO pattern_usage_events (event_id, pattern_id, viewer, event_type, occurred_at, received_at)
    SELECT gen_random_uuid(), p.id, 'a:' || substr(md5(g::text), 1, 16), 'view', now() - interval '40 days', now() - interval '40 days'
    FROM (SELECT id FROM patterns ORDER BY id LIMIT 1000) p, generate_series(1, {Aged / 1000}) g;
    ANALYZE sync_feed_events; ANALYZE pattern_usage_events;
    """, 1200);
var pruning = Stopwatch.StartNew();
var feedPruned = await Pruning.InBatchesAsync((limit, ct) => feed.PruneAsync(TimeSpan.FromDays(30), limit, ct), 5000, CancellationToken.None);
var feedSeconds = pruning.Elapsed.TotalSeconds;
pruning.Restart();
var eventsPruned = await Pruning.InBatchesAsync((limit, ct) => analytics.PruneEventsAsync(AnalyticsService.RawEventRetention, limit, ct), 5000, CancellationToken.None);
var eventSeconds = pruning.Elapsed.TotalSeconds;
Console.WriteLine();
Console.WriteLine($"  {"pruning (5,000 rows a statement)",-34} {"rows",10} {"s",10} {"rows/s",10}");
Console.WriteLine($"  {"sync feed events",-34} {feedPruned,10:N0} {feedSeconds,10:N2} {feedPruned / feedSeconds,10:N0}");
Console.WriteLine($"  {"raw usage events",-34} {eventsPruned,10:N0} {eventSeconds,10:N2} {eventsPruned / eventSeconds,10:N0}");

Console.WriteLine();
var refreshMet = refreshTimes.Max() <= TargetRefreshSeconds;
// The project's view has a row per creator: a refresh should rewrite the creators whose figures moved, no more.
var deadMet = deadRows.Zip(changedViewRows).All(p => p.First <= p.Second);
var readsMet = Percentile(busy, 0.99) <= Math.Max(2 * Percentile(quiet, 0.99), Percentile(quiet, 0.99) + 5);
var feedMet = visibleProject.Count > 0 && visibleProject.Max() <= TargetVisibleMs;
Console.WriteLine($"target: refresh <= {TargetRefreshSeconds} s: {Met(refreshMet)} (worst {refreshTimes.Max():N2} s)");
Console.WriteLine($"target: dead rows ≈ changed rows (the creators of the {changed:N0} changed patterns): {Met(deadMet)} (dead {string.Join(", ", deadRows.Select(d => d.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} for {string.Join(", ", changedViewRows.Select(d => d.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} changed)");
Console.WriteLine($"target: analytics reads unaffected by a refresh (p99 within 2× or 5 ms of quiet): {Met(readsMet)}");
Console.WriteLine($"target: a write reaches its writer's pull within {TargetVisibleMs} ms during a refresh: {Met(feedMet)} (worst {(visibleProject.Count > 0 ? visibleProject.Max() : double.NaN):N0} ms over {visibleProject.Count} writes)");
return refreshMet && deadMet && readsMet && feedMet ? 0 : 1;

// Moves the figures of 1 % of the patterns that have any, in the running totals (what the project's
// view reads) and in the rollups (what the straightforward one adds up); returns how many creators
// those patterns have, the rows of the project's view that change.
async Task<long> ChangeFiguresAsync(int round)
{
    await ExecuteAsync($"""
        WITH picked AS (SELECT pattern_id FROM pattern_usage_totals ORDER BY md5(pattern_id::text || '{round}') LIMIT {changed})
        UPDATE pattern_usage_totals t SET views = t.views + 1 FROM picked WHERE t.pattern_id = picked.pattern_id;
        WITH picked AS (SELECT DISTINCT ON (pattern_id) pattern_id, day FROM pattern_usage_stats
                        WHERE pattern_id IN (SELECT pattern_id FROM pattern_usage_totals ORDER BY md5(pattern_id::text || '{round}') LIMIT {changed})
                        ORDER BY pattern_id, day DESC)
        UPDATE pattern_usage_stats s SET views = s.views + 1 FROM picked WHERE s.pattern_id = picked.pattern_id AND s.day = picked.day;
        """, 600);
    return await ScalarAsync<long>($"""
        SELECT count(DISTINCT p.user_id) FROM patterns p
        WHERE p.deleted_at IS NULL AND p.id IN (SELECT pattern_id FROM pattern_usage_totals ORDER BY md5(pattern_id::text || '{round}') LIMIT {changed})
        """);
}

async Task<List<double>> ReadWhileAsync(Func<Task> background)
{
    var running = background();
    var times = new List<double>();
    var random = new Random(7);
    while (!running.IsCompleted)
    {
        var (pattern, user) = sampledPatterns[random.Next(sampledPatterns.Length)];
        var watch = Stopwatch.StartNew();
        if (times.Count % 2 == 0)
        {
            await analytics.ForPatternAsync(pattern, CancellationToken.None);
        }
        else
        {
            await analytics.ForUserAsync(user, CancellationToken.None);
        }

        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    await running;
    times.Sort();
    return times;
}

// The dead rows a refresh left: what VACUUM then finds to remove (its VERBOSE report), exactly,
// where the statistics' n_dead_tup is an estimate that arrives late.
async Task<long> DeadRowsAsync(string relation)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    long dead = 0;
    connection.Notice += (_, e) =>
    {
        var match = System.Text.RegularExpressions.Regex.Match(e.Notice.MessageText, @"tuples: (\d+) removed, \d+ remain, (\d+) are dead but not yet removable");
        if (match.Success)
        {
            dead += long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    };
    await connection.ExecuteAsync($"VACUUM (VERBOSE) {relation}", commandTimeout: 600);
    return dead;
}

async Task ExecuteAsync(string sql, int timeoutSeconds = 30)
{
    await using var connection = await database.OpenConnectionAsync();
    await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: timeoutSeconds));
}

async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
{
    await using var connection = await database.OpenConnectionAsync();
    return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
}

async Task<IEnumerable<T>> QueryAsync<T>(string sql)
{
    await using var connection = await database.OpenConnectionAsync();
    return await connection.QueryAsync<T>(sql);
}

async Task<T> QuerySingleAsync<T>(string sql)
{
    await using var connection = await database.OpenConnectionAsync();
    return await connection.QuerySingleAsync<T>(sql);
}

int Argument(string flag, int fallback)
{
    var index = Array.IndexOf(args, flag);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static string Met(bool met) => met ? "met" : "NOT met";

static double Percentile(List<double> values, double p)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }

    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
