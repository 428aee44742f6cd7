namespace Emoty.Functions.Tests.Faults;

/// <summary>PostgreSQL (a server of this test's own) killed under write load, then started again on the same data.</summary>
public sealed class PostgresKilledTests() : PrivateServiceAppTests<PrivatePostgres>(PrivatePostgres.StartAsync,
    postgres => new() { ["ConnectionStrings__Postgres"] = postgres.ConnectionString })
{
    [Fact]
    public async Task while_postgres_is_down_writes_get_503_with_retry_after_and_afterwards_every_acknowledged_write_is_there()
    {
        await using var run = new FaultRun(App);
        await run.StartAsync();

        await Service.KillAsync();
        var down = run.Client.Now;
        // The positive marker that requests are answered, not left hanging: 503s for writes sent after the kill.
        await run.Load.WaitForAnswersAfterAsync(down, 20, o => o.Status == 503, FaultRun.Deadline);
        var restarting = run.Client.Now;
        await Service.StartAgainAsync();
        var up = run.Client.Now;
        await run.Load.WaitForSuccessAfterAsync(up, FaultRun.Deadline);
        await run.Load.WaitForAnswersAfterAsync(up, 12, o => o.Success, FaultRun.Deadline);
        var broken = await run.StopAsync();

        var outcomes = run.Load.Outcomes.ToArray();
        var duringOutage = outcomes.Where(o => o.At >= down && o.End <= restarting && o.Step != Testing.Faults.Step.Read).ToArray();
        Assert.NotEmpty(duringOutage);
        Assert.True(duringOutage.All(o => o.ProperUnavailable),
            $"writes during the outage that were not a 503 problem with Retry-After:\n{FaultRun.Describe(duringOutage.Where(o => !o.ProperUnavailable))}");
        Assert.True(!outcomes.Any(o => o.Improper), $"answers that were neither a success nor a proper 503:\n{FaultRun.Describe(outcomes.Where(o => o.Improper))}");
        Assert.True(outcomes.Count(o => o.Success && o.At >= up) > 0, "nothing succeeded after PostgreSQL returned");
        Assert.True(broken.Count == 0, string.Join("\n", broken.Take(20)));
    }
}
