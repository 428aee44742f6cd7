using System.Diagnostics;
using Emoty.Testing.Faults;

namespace Emoty.Functions.Tests.Faults;

/// <summary>The worker process killed in the middle of a sync batch, under HTTP load; the local host restarts it.</summary>
public sealed class WorkerKilledTests : IAsyncLifetime
{
    private const int Creates = 1000;
    private readonly EmotyApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task a_batch_interrupted_by_a_dead_worker_resumes_and_completes_exactly_once()
    {
        await using var run = new FaultRun(_app, writers: 2);
        var sync = new SyncBatches(run.Client);
        await run.StartAsync();
        // Two batches of one user, drained one after the other: the kill, made once the first creates
        // are in, always finds at least the second batch's thousand operations still to do.
        var user = Guid.NewGuid();
        var batch = SyncBatch.Creates(user, Creates);
        var next = SyncBatch.Creates(user, Creates);
        foreach (var posting in new[] { batch, next })
        {
            var (posted, _) = await sync.PostAsync(posting);
            Assert.True(posted.Status == 202, $"POST /api/sync: {posted.Detail}");
        }

        // Mid-batch is a positive marker too: its first creates are committed.
        await using var db = new NpgsqlConnection(_app.DatabaseConnectionString);
        await Eventually.TrueAsync(async () => await CreatedAsync(db, batch) > 0, "the batch never started", FaultRun.Deadline.TotalSeconds);

        var pid = _app.WorkerProcessId ?? throw new InvalidOperationException("no worker is running");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }

        var killed = run.Client.Now;
        var atKill = await CreatedAsync(db, batch);
        Assert.True(atKill < 2 * Creates, $"both batches were done before the worker died ({atKill} of {2 * Creates}); nothing was interrupted");
        await run.Load.WaitForSuccessAfterAsync(killed, FaultRun.Deadline);
        var (done, _) = await sync.WaitAsync(batch, FaultRun.Deadline);
        var (nextDone, _) = await sync.WaitAsync(next, FaultRun.Deadline);

        var broken = await run.StopAsync();
        broken.AddRange((await SyncBatches.NotExactlyOnceAsync(_app.DatabaseConnectionString, [(batch, done), (next, nextDone)])).Problems);
        Assert.NotEqual(pid, _app.WorkerProcessId);
        var outcomes = run.Load.Outcomes.ToArray();
        Assert.True(!outcomes.Any(o => o.Improper), $"answers that were neither a success nor a 503 problem with Retry-After:\n{FaultRun.Describe(outcomes.Where(o => o.Improper))}");
        Assert.True(broken.Count == 0, string.Join("\n", broken.Take(20)));
    }

    private static Task<long> CreatedAsync(NpgsqlConnection db, SyncBatch batch) =>
        db.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @User", new { batch.User });
}
