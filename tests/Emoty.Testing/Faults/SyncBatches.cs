using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Emoty.Testing.Faults;

/// <summary>A batch of creates, each with its own temp id and a name no other operation has, so that a twin is visible.</summary>
public sealed record SyncBatch(Guid User, Guid BatchId, IReadOnlyList<Guid> OpIds, IReadOnlyList<string> TempIds, string NamePrefix)
{
    public static SyncBatch Creates(Guid user, int count)
    {
        var batchId = Guid.NewGuid();
        return new SyncBatch(user, batchId, Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray(),
            Enumerable.Range(0, count).Select(i => $"temp_{batchId:N}_{i}").ToArray(), $"Sync {batchId:N}"[..17]);
    }

    public object Body() => new
    {
        client_id = "fault-test",
        batch_id = BatchId,
        operations = OpIds.Select((opId, i) => new
        {
            op_id = opId,
            type = "create",
            temp_id = TempIds[i],
            client_modified_at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            pattern = new { name = $"{NamePrefix} {i}", sequence = new[] { "🔁", "📦" } },
        }),
    };
}

/// <summary>Posts sync batches, follows their status, and checks that each was applied exactly once.</summary>
public sealed class SyncBatches(LoadClient client)
{
    public Task<(Outcome Outcome, JsonElement Body)> PostAsync(SyncBatch batch) =>
        client.SendAsync(Step.SyncPost, HttpMethod.Post, "api/sync", batch.User, batch.Body());

    /// <summary>The batch's status document, or null when the status could not be read (the app itself is failing).</summary>
    public async Task<JsonElement?> StatusAsync(SyncBatch batch)
    {
        var (outcome, body) = await client.SendAsync(Step.SyncStatus, HttpMethod.Get, $"api/sync/{batch.BatchId}", batch.User);
        return outcome.Status == 200 ? body : null;
    }

    /// <summary>
    /// Polls until the batch is completed or failed, and returns it with the load clock's time of
    /// the answer that said so. <paramref name="deadline"/> only bounds a hang.
    /// </summary>
    public async Task<(JsonElement Batch, TimeSpan DoneAt)> WaitAsync(SyncBatch batch, TimeSpan deadline, TimeSpan? every = null)
    {
        var until = client.Now + deadline;
        JsonElement? last = null;
        while (client.Now < until)
        {
            last = await StatusAsync(batch) ?? last;
            if (last is { } body && body.GetProperty("status").GetString() is "completed" or "failed")
            {
                return (body, client.Now);
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"sync batch {batch.BatchId} ({batch.OpIds.Count} operations) did not finish within {deadline.TotalSeconds:0} s; last status: {last}");
    }

    /// <summary>
    /// What breaks "exactly once" for these batches, one line each: an operation without its result
    /// or not applied, a create missing, or a create stored twice (and how many twins there are).
    /// </summary>
    public static async Task<SyncVerdict> NotExactlyOnceAsync(string connectionString, IEnumerable<(SyncBatch Batch, JsonElement Status)> done)
    {
        var problems = new List<string>();
        long twinCount = 0;
        await using var db = new NpgsqlConnection(connectionString);
        foreach (var (batch, status) in done)
        {
            if (status.GetProperty("status").GetString() != "completed")
            {
                problems.Add($"batch {batch.BatchId} ended {status.GetProperty("status")}: {status}");
                continue;
            }

            var results = status.GetProperty("results").EnumerateArray().ToArray();
            var byOp = results.ToDictionary(r => r.GetProperty("op_id").GetGuid());
            foreach (var (opId, i) in batch.OpIds.Select((op, i) => (op, i)))
            {
                if (!byOp.TryGetValue(opId, out var result))
                {
                    problems.Add($"batch {batch.BatchId}: operation {i} has no result");
                }
                else if (result.GetProperty("status").GetString() != "applied" || result.GetProperty("temp_id").GetString() != batch.TempIds[i])
                {
                    problems.Add($"batch {batch.BatchId}: operation {i} is {result}");
                }
            }

            if (results.Length != batch.OpIds.Count)
            {
                problems.Add($"batch {batch.BatchId}: {results.Length} results for {batch.OpIds.Count} operations");
            }

            var names = (await db.QueryAsync<(string Name, long Count)>(
                    "SELECT name, count(*) FROM patterns WHERE user_id = @User AND name LIKE @prefix GROUP BY name",
                    new { batch.User, prefix = batch.NamePrefix + " %" }))
                .ToDictionary(n => n.Name, n => n.Count);
            var twins = names.Where(n => n.Value > 1).Select(n => $"{n.Key} ×{n.Value}").ToArray();
            twinCount += names.Values.Sum(count => count - 1);
            if (twins.Length > 0)
            {
                problems.Add($"batch {batch.BatchId}: created twice: {string.Join(", ", twins.Take(5))}{(twins.Length > 5 ? $" and {twins.Length - 5} more" : "")}");
            }

            if (names.Count != batch.OpIds.Count)
            {
                problems.Add($"batch {batch.BatchId}: {names.Count} of {batch.OpIds.Count} creates stored");
            }

            var mapped = await db.ExecuteScalarAsync<long>(
                "SELECT count(DISTINCT pattern_id) FROM sync_temp_ids WHERE user_id = @User AND temp_id = ANY(@TempIds)", new { batch.User, TempIds = batch.TempIds.ToArray() });
            if (mapped != batch.OpIds.Count)
            {
                problems.Add($"batch {batch.BatchId}: {mapped} temp ids mapped for {batch.OpIds.Count} creates");
            }
        }

        return new SyncVerdict(problems, twinCount);
    }
}

/// <summary>What broke exactly-once (empty when nothing did), and how many creates were stored more than once.</summary>
public sealed record SyncVerdict(List<string> Problems, long Duplicates);
