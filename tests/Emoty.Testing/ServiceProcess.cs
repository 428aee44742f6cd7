using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Emoty.Testing;

/// <summary>What the private services (Redis, PostgreSQL, Azurite) share: a foreground child process on a port of its own.</summary>
internal static class ServiceProcess
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Collections.Concurrent.ConcurrentQueue<string>> Tails = new();

    private static string Tail(Process process) =>
        Tails.TryGetValue(process, out var tail) ? string.Join(Environment.NewLine, tail.ToArray()) : "";

    public static Process Start(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        // Drained so that a chatty service never blocks on a full pipe; the last lines explain a failed start.
        var tail = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Tails.AddOrUpdate(process, tail);
        DataReceivedEventHandler keep = (_, line) =>
        {
            if (line.Data is not null)
            {
                tail.Enqueue(line.Data);
                while (tail.Count > 20 && tail.TryDequeue(out string? _))
                {
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Returns once the port accepts a connection; fails if the process exits first, or after five minutes (a hang: a loaded machine may take a minute to start one).</summary>
    public static async Task WaitForPortAsync(Process process, int port, string name)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"{name} did not open port {port} ({(process.HasExited ? $"exited with {process.ExitCode}" : "still starting after 60 s")}):\n{Tail(process)}");
            }
        }
    }

    /// <summary>SIGKILL to the process and everything it started: a crash, nothing flushed.</summary>
    public static async Task KillAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    /// <summary>SIGTERM, the way a service is stopped on purpose; SIGKILL if it has not exited after 30 s.</summary>
    public static async Task TerminateAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await KillAsync(process);
    }

    public static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Start(file, arguments);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with {process.ExitCode}:\n{Tail(process)}");
        }
    }
}
