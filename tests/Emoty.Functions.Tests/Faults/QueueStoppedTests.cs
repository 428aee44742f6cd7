using Emoty.Testing.Faults;
using Xunit.Abstractions;

namespace Emoty.Functions.Tests.Faults;

/// <summary>
/// The storage queue (an Azurite of this test's own) stopped while clients sync, then started
/// again. The recovery timer runs every second here.
/// </summary>
public sealed class QueueStoppedTests(ITestOutputHelper output) : PrivateServiceAppTests<PrivateAzurite>(PrivateAzurite.StartAsync, azurite => new()
{
    ["AzureWebJobsStorage"] = azurite.ConnectionString,
    ["SyncRecoverySchedule"] = "*/1 * * * * *",
})
{
    [Fact]
    public async Task sync_is_accepted_while_the_queue_is_down_and_every_batch_completes_exactly_once_after_it_returns()
    {
        await using var run = new FaultRun(App, writers: 2);
        var sync = new SyncBatches(run.Client);
        var users = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        await run.StartAsync();
        var before = users.Select(user => SyncBatch.Creates(user, 10)).ToArray();
        await PostAllAsync(sync, before);

        await Service.StopAsync();
        var during = users.SelectMany(user => Enumerable.Range(0, 2).Select(_ => SyncBatch.Creates(user, 10))).ToArray();
        await PostAllAsync(sync, during);
        // Re-sent by a client that did not trust its first answer: still one batch.
        await PostAllAsync(sync, during.Take(2));
        await Service.StartAgainAsync();
        var back = run.Client.Now;
        // Stored while the queue was down, these batches are the recovery timer's after a grace period
        // for their own enqueue; moving their arrival back in SQL spends the grace without waiting.
        await using (var db = new NpgsqlConnection(App.DatabaseConnectionString))
        {
            await db.ExecuteAsync("UPDATE sync_batches SET received_at = received_at - interval '1 minute' WHERE batch_id = ANY(@ids) AND enqueued_at IS NULL",
                new { ids = during.Select(b => b.BatchId).ToArray() });
        }

        var done = new List<(SyncBatch, JsonElement)>();
        var lastDone = back;
        foreach (var batch in before.Concat(during))
        {
            var (status, doneAt) = await sync.WaitAsync(batch, FaultRun.Deadline);
            done.Add((batch, status));
            lastDone = doneAt;
        }

        // For the reader only: how long recovery took is the harness's and the benchmark's figure, not a pass mark here.
        output.WriteLine($"{done.Count} batches done, the last {(lastDone - back).TotalSeconds:0.0} s after the queue returned");

        var broken = await run.StopAsync();
        broken.AddRange((await SyncBatches.NotExactlyOnceAsync(App.DatabaseConnectionString, done)).Problems);
        var outcomes = run.Load.Outcomes.ToArray();
        Assert.True(!outcomes.Any(o => o.Failure), $"writes failed while the queue was down:\n{FaultRun.Describe(outcomes.Where(o => o.Failure))}");
        Assert.True(broken.Count == 0, string.Join("\n", broken.Take(20)));
    }

    /// <summary>All at once, as several clients would.</summary>
    private static async Task PostAllAsync(SyncBatches sync, IEnumerable<SyncBatch> batches)
    {
        foreach (var (batch, (outcome, body)) in await Task.WhenAll(batches.Select(async batch => (batch, await sync.PostAsync(batch)))))
        {
            Assert.True(outcome.Status == 202, $"POST /api/sync: {outcome.Detail}");
            Assert.Equal(batch.BatchId, body.GetProperty("batch_id").GetGuid());
        }
    }
}
