using System.Diagnostics;

namespace Emoty.Testing;

/// <summary>
/// A Redis of one test's own, for tests that stop it: the run's shared Redis is never touched.
/// Runs in the foreground as a child process, without persistence, on a free port it keeps across restarts.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=500";

    public static async Task<PrivateRedis> StartAsync()
    {
        var redis = new PrivateRedis();
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        _process = ServiceProcess.Start("redis-server", ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await ServiceProcess.WaitForPortAsync(_process, Port, "redis-server");
    }

    public async Task StopAsync()
    {
        await ServiceProcess.KillAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
