using Emoty.Testing.Faults;

namespace Emoty.Functions.Tests.Faults;

/// <summary>
/// What every fault test does around its fault: a write load on the app, the fault, and afterwards
/// the checks that hold for all of them. Waits are for positive markers (answers, a success after
/// the fault); <see cref="Deadline"/> only bounds a hang and is never a target.
/// </summary>
public sealed class FaultRun(EmotyApp app, int writers = 3) : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public LoadClient Client { get; } = new(app.Http, app.Tokens);

    public WriteLoad Load { get; private set; } = null!;

    /// <summary>Starts the load and returns once it has written successfully <paramref name="successes"/> times.</summary>
    public async Task StartAsync(int successes = 12)
    {
        Load = new WriteLoad(Client, writers);
        _running = Load.RunAsync(_stop.Token);
        await Load.WaitForAnswersAfterAsync(TimeSpan.Zero, successes, o => o.Success, Deadline);
    }

    /// <summary>Stops the load (requests under way are answered first) and returns what broke: lost writes, broken invariants.</summary>
    public async Task<List<string>> StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        var broken = await Load.LostAsync(app.DatabaseConnectionString);
        broken.AddRange(await StoredInvariants.BrokenAsync(app.DatabaseConnectionString));
        return broken;
    }

    public static string Describe(IEnumerable<Outcome> outcomes) =>
        string.Join("\n", outcomes.Take(10).Select(o => $"{o.Step} at {o.At.TotalSeconds:0.00} s: {o.Detail}"));

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        if (_running is not null)
        {
            await _running;
        }

        _stop.Dispose();
    }
}
