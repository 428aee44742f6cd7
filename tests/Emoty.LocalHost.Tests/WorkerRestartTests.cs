using System.Diagnostics;
using System.Net;
using Emoty.LocalHost.Tests.Infrastructure;

namespace Emoty.LocalHost.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class WorkerRestartTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task killed_worker_is_restarted_and_serves_again()
    {
        var pid = fixture.Host.WorkerProcessId ?? throw new InvalidOperationException("no worker is running");
        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
            await worker.WaitForExitAsync();
        }

        HttpStatusCode? status = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); status != HttpStatusCode.OK && DateTime.UtcNow < deadline;)
        {
            using var response = await fixture.Http.GetAsync("api/empty");
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(pid, fixture.Host.WorkerProcessId);
        Assert.Contains(fixture.Logs.Lines, line => line.Contains("restarting it", StringComparison.Ordinal));
    }
}
