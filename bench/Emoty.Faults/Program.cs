using System.Globalization;
using Emoty.Faults;
using Emoty.Testing;
using Emoty.Testing.Faults;

// The longer versions of the fault tests, on demand: each fault under write + sync load on services of
// the harness's own, with per fault the requests, 2xx, 5xx, hangs, recovery time, acknowledged writes
// lost and duplicates. Exit 1 when a write was lost, a batch applied twice or left unfinished, or an
// invariant broke.
//   dotnet run -c Release --project bench/Emoty.Faults [-- [seconds] [--only postgres,redis,queue,worker]]
// seconds: how long PostgreSQL and Redis stay down (default 10); the queue stays down twice as long.
var seconds = 10.0;
string[] only = ["postgres", "redis", "queue", "worker"];
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--only" && i + 1 < args.Length)
    {
        only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
    else if (double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0)
    {
        seconds = s;
    }
    else
    {
        Console.Error.WriteLine("usage: Emoty.Faults [seconds] [--only postgres,redis,queue,worker]");
        return 2;
    }
}

var outage = TimeSpan.FromSeconds(seconds);
var faults = new List<(string Key, string Name, Func<Stack, LoadClient, Task<List<TimeSpan>>> Inject)>
{
    ("postgres", $"PostgreSQL killed {outage.TotalSeconds:0} s", async (stack, client) =>
    {
        await stack.Postgres.KillAsync();
        await Task.Delay(outage);
        await stack.Postgres.StartAgainAsync();
        return [client.Now];
    }),
    ("redis", $"Redis killed {outage.TotalSeconds:0} s", async (stack, client) =>
    {
        await stack.Redis.StopAsync();
        await Task.Delay(outage);
        await stack.Redis.StartAgainAsync();
        return [client.Now];
    }),
    ("queue", $"Azurite stopped {2 * outage.TotalSeconds:0} s", async (stack, client) =>
    {
        await stack.Azurite.StopAsync();
        await Task.Delay(2 * outage);
        await stack.Azurite.StartAgainAsync();
        return [client.Now];
    }),
    ("worker", "worker killed twice", async (stack, client) =>
    {
        var ends = new List<TimeSpan>();
        for (var kill = 0; kill < 2; kill++)
        {
            var old = stack.WorkerProcessId ?? 0;
            await stack.KillWorkerAsync();
            ends.Add(client.Now);
            await stack.WaitForWorkerAsync(old, FaultReport.Deadline);
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        return ends;
    }),
};

Console.WriteLine("Starting PostgreSQL, Redis, Azurite and the app of the harness's own…");
await using var stack = await Stack.StartAsync();
Console.WriteLine(FaultReport.Header);
var failed = false;
foreach (var (_, name, inject) in faults.Where(f => only.Contains(f.Key)))
{
    var report = await FaultReport.RunAsync(stack, name, inject);
    Console.WriteLine(report.Row);
    foreach (var line in report.Problems.Take(10))
    {
        Console.WriteLine($"    {line}");
    }

    failed |= !report.Held;
}

return failed ? 1 : 0;

/// <summary>One fault under load: the load before, the fault, the load after, the sync batches followed to their end, then the checks.</summary>
internal sealed record FaultReport(string Name, int Requests, int Success, int ServerErrors, int NoAnswer, int Hangs, double? RecoverySeconds,
    int Lost, long Duplicates, int Unfinished, int Batches, List<string> Problems)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(5);

    public bool Held => Lost == 0 && Duplicates == 0 && Unfinished == 0 && Problems.Count == 0;

    public static string Header =>
        $"{"fault",-26} {"requests",8} {"2xx",7} {"5xx",6} {"no answer",9} {"hangs>5s",8} {"recovery",9} {"lost",5} {"duplicates",10} {"batches",8} {"unfinished",10}";

    public string Row =>
        $"{Name,-26} {Requests,8} {Success,7} {ServerErrors,6} {NoAnswer,9} {Hangs,8} {(RecoverySeconds is { } r ? $"{r:0.00} s" : "never"),9} {Lost,5} {Duplicates,10} {Batches,8} {Unfinished,10}";

    public static async Task<FaultReport> RunAsync(Stack stack, string name, Func<Stack, LoadClient, Task<List<TimeSpan>>> inject)
    {
        var client = stack.NewClient();
        var writes = new WriteLoad(client, writers: 4);
        var syncs = new SyncLoad(client, users: 2, operations: 5, every: TimeSpan.FromMilliseconds(500));
        using var stop = new CancellationTokenSource();
        var writing = writes.RunAsync(stop.Token);
        var posting = syncs.RunAsync(stop.Token);
        var following = syncs.FollowAsync(stop.Token, TimeSpan.FromMinutes(30));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var ends = await inject(stack, client);
        double? recovery = null;
        try
        {
            foreach (var end in ends)
            {
                await writes.WaitForSuccessAfterAsync(end, Deadline);
            }
        }
        catch (TimeoutException)
        {
        }

        var outcomes = writes.Outcomes.Concat(syncs.Posts).ToArray();
        var recoveries = ends.Select(end => outcomes.Where(o => o.Success && o.Step != Step.Read && o.End >= end).Select(o => (o.End - end).TotalSeconds).DefaultIfEmpty(double.NaN).Min()).ToArray();
        recovery = recoveries.Any(double.IsNaN) ? null : recoveries.Max();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(writing, posting);
        // The batches accepted are followed to their end; the bound is only there to report a stuck one.
        using (var enough = new CancellationTokenSource(TimeSpan.FromSeconds(180)))
        {
            await Task.WhenAny(following, Task.Delay(Timeout.Infinite, enough.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        outcomes = writes.Outcomes.Concat(syncs.Posts).ToArray();
        var lost = await writes.LostAsync(stack.Database);
        var verdict = await syncs.VerdictAsync(stack.Database);
        var problems = lost.Concat(verdict.Problems).Concat(await StoredInvariants.BrokenAsync(stack.Database)).ToList();
        return new FaultReport(name, outcomes.Length, outcomes.Count(o => o.Success), outcomes.Count(o => o.Status >= 500), outcomes.Count(o => o.Status == 0),
            outcomes.Count(o => o.Took > Hang), recovery, lost.Count, verdict.Duplicates, syncs.Unfinished, syncs.Accepted, problems);
    }
}
