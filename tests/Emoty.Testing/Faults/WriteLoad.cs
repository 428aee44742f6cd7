using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace Emoty.Testing.Faults;

/// <summary>
/// Writers, each a user of its own, in a loop: create a pattern, favourite it (PUT: idempotent),
/// rename it, read it back. Every write answered 2xx is remembered, so that afterwards it can be
/// looked for; a read after an acknowledged rename that shows anything else is stale.
/// </summary>
public sealed class WriteLoad(LoadClient client, int writers)
{
    private readonly ConcurrentBag<Guid> _created = [];
    private readonly ConcurrentBag<Guid> _favourited = [];
    private readonly ConcurrentDictionary<Guid, string> _renamed = new();

    public ConcurrentQueue<Outcome> Outcomes { get; } = new();

    public IReadOnlyCollection<Guid> Created => _created;

    /// <summary>Runs until <paramref name="stop"/>; a request under way then is finished, so what is acknowledged is known.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriterAsync(writer, Guid.NewGuid(), stop), CancellationToken.None)));

    /// <summary>Completes at the first write that succeeds after <paramref name="since"/> (on the load's clock): the positive marker of a recovery.</summary>
    public async Task WaitForSuccessAfterAsync(TimeSpan since, TimeSpan deadline)
    {
        var until = client.Now + deadline;
        while (!Outcomes.Any(o => o.Success && o.Step != Step.Read && o.At >= since))
        {
            if (client.Now > until)
            {
                throw new TimeoutException($"no write succeeded within {deadline.TotalSeconds:0} s after {since.TotalSeconds:0.0} s; last: {Outcomes.LastOrDefault()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="count"/> requests have started after <paramref name="since"/> and been answered.</summary>
    public async Task WaitForAnswersAfterAsync(TimeSpan since, int count, Func<Outcome, bool> which, TimeSpan deadline)
    {
        var until = client.Now + deadline;
        while (Outcomes.Count(o => o.At >= since && which(o)) < count)
        {
            if (client.Now > until)
            {
                throw new TimeoutException($"fewer than {count} answers within {deadline.TotalSeconds:0} s after {since.TotalSeconds:0.0} s: requests hang");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Acknowledged writes the database does not hold: patterns created, favourites set, renames (a later rename by the same writer never comes: one each).</summary>
    public async Task<List<string>> LostAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var created = _created.ToArray();
        var favourited = _favourited.ToArray();
        var lost = new List<string>();
        var present = (await db.QueryAsync<Guid>("SELECT id FROM patterns WHERE id = ANY(@created) AND deleted_at IS NULL", new { created })).ToHashSet();
        lost.AddRange(created.Where(id => !present.Contains(id)).Select(id => $"created pattern {id} is missing"));
        var liked = (await db.QueryAsync<Guid>("SELECT pattern_id FROM pattern_favorites WHERE pattern_id = ANY(@favourited)", new { favourited })).ToHashSet();
        lost.AddRange(favourited.Where(id => !liked.Contains(id)).Select(id => $"favourite of {id} is missing"));
        var names = (await db.QueryAsync<(Guid Id, string Name)>("SELECT id, name FROM patterns WHERE id = ANY(@ids)", new { ids = _renamed.Keys.ToArray() }))
            .ToDictionary(p => p.Id, p => p.Name);
        lost.AddRange(_renamed.Where(r => names.GetValueOrDefault(r.Key) != r.Value).Select(r => $"rename of {r.Key} to '{r.Value}' is missing"));
        return lost;
    }

    private async Task WriterAsync(int writer, Guid user, CancellationToken stop)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            var name = $"Fault {writer}-{n} {Guid.NewGuid():N}"[..40];
            var (created, body) = await StepAsync(Step.Create, HttpMethod.Post, "api/patterns", user, new { name, sequence = new[] { "⚡", "🔌" } });
            if (!created.Success)
            {
                continue;
            }

            var id = body.GetProperty("id").GetGuid();
            _created.Add(id);
            var favourite = (await StepAsync(Step.Favourite, HttpMethod.Put, $"api/patterns/{id}/favorite", user)).Outcome;
            if (favourite.Success)
            {
                _favourited.Add(id);
            }

            var renamed = name + " renamed";
            if (!(await StepAsync(Step.Update, HttpMethod.Put, $"api/patterns/{id}", user, new { name = renamed })).Outcome.Success)
            {
                continue;
            }

            _renamed[id] = renamed;
            var (read, pattern) = await client.SendAsync(Step.Read, HttpMethod.Get, $"api/patterns/{id}", user);
            var stale = read.Success && (pattern.GetProperty("name").GetString() != renamed
                || (favourite.Success && !pattern.GetProperty("is_favorited").GetBoolean()));
            Outcomes.Enqueue(stale ? read with { Stale = true, Detail = $"read {pattern.GetProperty("name")} / favourited {pattern.GetProperty("is_favorited")} after renaming to {renamed}" } : read);
        }
    }

    private async Task<(Outcome Outcome, System.Text.Json.JsonElement Body)> StepAsync(Step step, HttpMethod method, string path, Guid user, object? json = null)
    {
        var answer = await client.SendAsync(step, method, path, user, json);
        Outcomes.Enqueue(answer.Outcome);
        if (!answer.Outcome.Success)
        {
            // Pacing, not synchronisation: a writer facing an outage should not spin the shared CPUs.
            await Task.Delay(10, CancellationToken.None);
        }

        return answer;
    }
}
