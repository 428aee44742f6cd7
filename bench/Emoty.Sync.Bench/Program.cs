using System.Diagnostics;
using Dapper;
using Emoty.Faults;
using Emoty.Testing.Faults;
using Npgsql;

// Issue 13's sync targets, measured through the local host on a PostgreSQL, Redis and Azurite of the
// benchmark's own (it kills them), with the sample's settings. Completion is seen by polling
// GET /api/sync/{id}, so each figure includes up to one polling interval. Exit 1 when a target is missed.
//   dotnet run -c Release --project bench/Emoty.Sync.Bench [-- --quick] [--only batch,worker,postgres,steady,queue]
// --quick: fewer runs, 15 s of steady load, a 10 s queue outage (a smoke run, not the targets' conditions).
var quick = args.Contains("--quick");
var onlyAt = Array.IndexOf(args, "--only");
var only = onlyAt >= 0 && onlyAt + 1 < args.Length
    ? args[onlyAt + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    : ["batch", "worker", "postgres", "steady", "queue"];
if (args.Except(["--quick", "--only"]).Except(onlyAt >= 0 && onlyAt + 1 < args.Length ? [args[onlyAt + 1]] : []).Any())
{
    Console.Error.WriteLine("usage: Emoty.Sync.Bench [--quick] [--only batch,worker,postgres,steady,queue]");
    return 2;
}

Console.WriteLine($"Starting PostgreSQL, Redis, Azurite and the app of the benchmark's own{(quick ? " (quick run)" : "")}…");
await using var stack = await Stack.StartAsync();
var client = stack.NewClient();
var sync = new SyncBatches(client);
var deadline = TimeSpan.FromMinutes(10);
var results = new List<(string Target, string Figure, bool Met)>();

void Report(string target, string figure, bool met)
{
    results.Add((target, figure, met));
    Console.WriteLine($"{(met ? "met   " : "MISSED")}  {target}: {figure}");
}

// Warm-up: the first batch of a process pays for JIT and connection pools.
var warmUp = SyncBatch.Creates(Guid.NewGuid(), 50);
await PostAsync(warmUp);
await sync.WaitAsync(warmUp, deadline);

if (only.Contains("batch"))
{
    var runs = quick ? 3 : 7;
    var times = new List<double>();
    var (posts, waits, applies) = (new List<double>(), new List<double>(), new List<double>());
    var updateTimes = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var batch = SyncBatch.Creates(Guid.NewGuid(), 1000);
        var posted = client.Now;
        await PostAsync(batch);
        posts.Add((client.Now - posted).TotalSeconds);
        var (_, doneAt) = await sync.WaitAsync(batch, deadline, TimeSpan.FromMilliseconds(20));
        times.Add((doneAt - posted).TotalSeconds);
        // Where the time went, by the batch's own timestamps: received → first claimed (the queue's hop), claimed → completed.
        await using var db = new NpgsqlConnection(stack.Database);
        var (wait, apply) = await db.QuerySingleAsync<(double, double)>("""
            SELECT extract(epoch FROM started_at - received_at)::float8, extract(epoch FROM completed_at - started_at)::float8
            FROM sync_batches WHERE batch_id = @BatchId
            """, new { batch.BatchId });
        waits.Add(wait);
        applies.Add(apply);

        // The same patterns renamed by the next batch: updates lock, snapshot and rewrite a row each.
        var renames = batch with { BatchId = Guid.NewGuid() };
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var renamedAt = client.Now;
        var (renamePosted, _) = await client.SendAsync(Step.SyncPost, HttpMethod.Post, "api/sync", batch.User, new
        {
            client_id = "sync-bench",
            batch_id = renames.BatchId,
            operations = batch.TempIds.Select((tempId, i) => new
            {
                op_id = Guid.NewGuid(), type = "update", id = tempId, client_modified_at = stamp, changes = new { name = $"Renamed {i}" },
            }),
        });
        if (renamePosted.Status != 202)
        {
            throw new InvalidOperationException($"POST /api/sync: {renamePosted.Detail}");
        }

        var (_, renamedDone) = await sync.WaitAsync(renames, deadline, TimeSpan.FromMilliseconds(20));
        updateTimes.Add((renamedDone - renamedAt).TotalSeconds);
    }

    times.Sort();
    posts.Sort();
    waits.Sort();
    applies.Sort();
    Report("1,000-create batch, POST → completed ≤ 2 s (every run)",
        $"p50 {Percentile(times, 0.5):0.00} s, max {times[^1]:0.00} s over {runs} runs (p50 of its parts: POST answered {Percentile(posts, 0.5):0.00} s, " +
        $"received → claimed {Percentile(waits, 0.5):0.00} s, claimed → completed {Percentile(applies, 0.5):0.00} s)", times[^1] <= 2);
    updateTimes.Sort();
    Report("1,000-update batch (renames of those patterns), POST → completed ≤ 2 s (every run)",
        $"p50 {Percentile(updateTimes, 0.5):0.00} s, max {updateTimes[^1]:0.00} s over {runs} runs", updateTimes[^1] <= 2);
}

if (only.Contains("worker"))
{
    var (after, figure) = await InterruptedAsync(async () =>
    {
        var old = stack.WorkerProcessId ?? 0;
        await stack.KillWorkerAsync();
        await stack.WaitForWorkerAsync(old, deadline);
    });
    Report("interrupted batch done ≤ 15 s after the worker returns", figure, after <= 15);
}

if (only.Contains("postgres"))
{
    var (after, figure) = await InterruptedAsync(async () =>
    {
        await stack.Postgres.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stack.Postgres.StartAgainAsync();
    });
    Report("interrupted batch done ≤ 15 s after PostgreSQL returns (down 5 s)", figure, after <= 15);
}

if (only.Contains("steady"))
{
    var length = TimeSpan.FromSeconds(quick ? 15 : 60);
    var load = new SyncLoad(client, users: 4, operations: 10, every: TimeSpan.FromMilliseconds(250));
    using var stop = new CancellationTokenSource(length);
    var following = load.FollowAsync(stop.Token, deadline, TimeSpan.FromMilliseconds(50));
    await load.RunAsync(stop.Token);
    await following;
    var latencies = load.Latencies();
    latencies.Sort();
    var p99 = latencies.Count == 0 ? double.NaN : Percentile(latencies, 0.99);
    Report($"4 users, a 10-op batch each every 0.25 s for {length.TotalSeconds:0} s: p99 POST → completed ≤ 3 s",
        $"{load.Accepted} batches ({load.Unfinished} unfinished), p50 {Percentile(latencies, 0.5):0.00} s, p99 {p99:0.00} s, max {latencies.LastOrDefault():0.00} s",
        load.Unfinished == 0 && p99 <= 3);
}

if (only.Contains("queue"))
{
    var outage = TimeSpan.FromSeconds(quick ? 10 : 20);
    var load = new SyncLoad(client, users: 4, operations: 10, every: TimeSpan.FromMilliseconds(250));
    using var stop = new CancellationTokenSource();
    var following = load.FollowAsync(stop.Token, deadline, TimeSpan.FromMilliseconds(100));
    var posting = load.RunAsync(stop.Token);
    await stack.Azurite.StopAsync();
    await Task.Delay(outage);
    await stack.Azurite.StartAgainAsync();
    var back = client.Now;
    await stop.CancelAsync();
    await posting;
    await following;
    var verdict = await load.VerdictAsync(stack.Database);
    var after = (load.LastDoneAt - back).TotalSeconds;
    Report($"{outage.TotalSeconds:0} s queue outage: every batch done ≤ 60 s after the queue returns",
        $"{load.Accepted} batches posted during it, last done {after:0.0} s after ({load.Unfinished} unfinished, {verdict.Duplicates} duplicates)",
        load.Unfinished == 0 && verdict.Problems.Count == 0 && after <= 60);
}

Console.WriteLine();
Console.WriteLine("Summary:");
foreach (var (target, figure, met) in results)
{
    Console.WriteLine($"{(met ? "met   " : "MISSED")}  {target}: {figure}");
}

return results.All(r => r.Met) ? 0 : 1;

async Task PostAsync(SyncBatch batch)
{
    var (outcome, _) = await sync.PostAsync(batch);
    if (outcome.Status != 202)
    {
        throw new InvalidOperationException($"POST /api/sync: {outcome.Detail}");
    }
}

// A 1,000-create batch broken into by a fault once its first creates are committed; the figure is
// the time from the fault's end (the service back) to the batch seen completed.
async Task<(double After, string Figure)> InterruptedAsync(Func<Task> fault)
{
    var batch = SyncBatch.Creates(Guid.NewGuid(), 1000);
    await PostAsync(batch);
    await using (var db = new NpgsqlConnection(stack.Database))
    {
        var watch = Stopwatch.StartNew();
        while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @User", new { batch.User }) == 0 && watch.Elapsed < deadline)
        {
            await Task.Delay(10);
        }
    }

    await fault();
    var back = client.Now;
    var (status, doneAt) = await sync.WaitAsync(batch, deadline);
    var verdict = await SyncBatches.NotExactlyOnceAsync(stack.Database, [(batch, status)]);
    var after = (doneAt - back).TotalSeconds;
    var exactlyOnce = verdict.Problems.Count == 0;
    return (exactlyOnce ? after : double.PositiveInfinity,
        $"{after:0.0} s after ({(exactlyOnce ? "exactly once" : string.Join("; ", verdict.Problems.Take(3)))})");
}

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
