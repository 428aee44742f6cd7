using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
        var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

}
