using Emoty.Testing.Faults;

namespace Emoty.Functions.Tests.Faults;

/// <summary>Redis (one of this test's own) killed under a load that reads back every write, then started again.</summary>
public sealed class RedisKilledTests() : PrivateServiceAppTests<PrivateRedis>(PrivateRedis.StartAsync,
    redis => new() { ["ConnectionStrings__Redis"] = redis.ConnectionString })
{
    [Fact]
    public async Task killing_redis_under_load_causes_no_error_and_no_stale_read_before_during_or_after()
    {
        await using var run = new FaultRun(App);
        await run.StartAsync();

        await Service.StopAsync();
        var down = run.Client.Now;
        // Read-your-write rounds completed while Redis is away.
        await run.Load.WaitForAnswersAfterAsync(down, 15, o => o.Step == Step.Read, FaultRun.Deadline);
        await Service.StartAgainAsync();
        // The positive marker that the app uses Redis again: its health says so.
        await App.WaitUntilHealthyAsync();
        var back = run.Client.Now;
        await run.Load.WaitForAnswersAfterAsync(back, 15, o => o.Step == Step.Read, FaultRun.Deadline);
        var broken = await run.StopAsync();

        var outcomes = run.Load.Outcomes.ToArray();
        Assert.True(!outcomes.Any(o => o.Failure), $"5xx or no answer:\n{FaultRun.Describe(outcomes.Where(o => o.Failure))}");
        Assert.True(!outcomes.Any(o => o.Stale), $"stale reads:\n{FaultRun.Describe(outcomes.Where(o => o.Stale))}");
        Assert.True(outcomes.All(o => o.Success), $"failed requests:\n{FaultRun.Describe(outcomes.Where(o => !o.Success))}");
        Assert.True(broken.Count == 0, string.Join("\n", broken.Take(20)));
    }
}
