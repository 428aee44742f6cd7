using System.Collections.Concurrent;
using System.Text.Json;

namespace Emoty.Testing.Faults;

/// <summary>
/// Users each posting a batch of creates at a steady rate, and a follower that polls every
/// accepted batch until it is completed or failed: when it was posted, when it was seen done.
/// </summary>
public sealed class SyncLoad(LoadClient client, int users, int operations, TimeSpan every)
{
    private readonly SyncBatches _sync = new(client);
    private readonly ConcurrentDictionary<Guid, (SyncBatch Batch, TimeSpan PostedAt)> _accepted = new();
    private readonly ConcurrentDictionary<Guid, (JsonElement Status, TimeSpan DoneAt)> _done = new();

    /// <summary>Every POST /api/sync: 202 is an accepted batch, which must then complete exactly once.</summary>
    public ConcurrentQueue<Outcome> Posts { get; } = new();

    public int Accepted => _accepted.Count;

    public int Done => _done.Count;

    /// <summary>Posts until <paramref name="stop"/>.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, users).Select(_ => Task.Run(() => PostLoopAsync(Guid.NewGuid(), stop), CancellationToken.None)));

    /// <summary>Polls the accepted batches not yet done until <paramref name="stop"/> and all are done, or the deadline.</summary>
    public async Task FollowAsync(CancellationToken stop, TimeSpan deadline, TimeSpan? pollEvery = null)
    {
        var until = client.Now + deadline;
        while (!(stop.IsCancellationRequested && _done.Count == _accepted.Count) && client.Now < until)
        {
            var pending = _accepted.Where(a => !_done.ContainsKey(a.Key)).Select(a => a.Value.Batch).ToArray();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, _) =>
            {
                if (await _sync.StatusAsync(batch) is { } status && status.GetProperty("status").GetString() is "completed" or "failed")
                {
                    _done.TryAdd(batch.BatchId, (status, client.Now));
                }
            });
            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    /// <summary>Seconds from POST to the poll that saw it done, per batch done.</summary>
    public List<double> Latencies() =>
        _done.Select(d => (d.Value.DoneAt - _accepted[d.Key].PostedAt).TotalSeconds).ToList();

    /// <summary>The load clock's time the last batch was seen done (zero when none is).</summary>
    public TimeSpan LastDoneAt => _done.IsEmpty ? TimeSpan.Zero : _done.Values.Max(d => d.DoneAt);

    public int Unfinished => _accepted.Count - _done.Count;

    public Task<SyncVerdict> VerdictAsync(string connectionString) =>
        SyncBatches.NotExactlyOnceAsync(connectionString, _done.Select(d => (_accepted[d.Key].Batch, d.Value.Status)));

    private async Task PostLoopAsync(Guid user, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var batch = SyncBatch.Creates(user, operations);
            var (outcome, _) = await _sync.PostAsync(batch);
            Posts.Enqueue(outcome);
            if (outcome.Status == 202)
            {
                _accepted[batch.BatchId] = (batch, outcome.At);
            }

            // The workload's rate: one batch per user per interval.
            await Task.Delay(every, CancellationToken.None);
        }
    }
}
