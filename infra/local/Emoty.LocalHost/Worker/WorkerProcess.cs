using System.Diagnostics;

namespace Emoty.LocalHost.Worker;

/// <summary>One run of the worker process: started with the switches worker 2.x reads, stopped for sure.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process, string workerId)
    {
        _process = process;
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    /// <summary>Kept at start: the Process object forgets it once disposed.</summary>
    public int ProcessId { get; private set; }

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited => _exited.Task;

    public static WorkerProcess Start(
        WorkerLaunch launch,
        string appDirectory,
        Uri rpcEndpoint,
        IReadOnlyDictionary<string, string> settings,
        string workerId,
        ILogger logger)
    {
        var start = new ProcessStartInfo(launch.Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = appDirectory,
        };
        foreach (var argument in launch.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(launch.WorkerPath);
        // Worker 2.x reads only these; the id and the message length are both required.
        start.ArgumentList.Add("--functions-uri");
        start.ArgumentList.Add(rpcEndpoint.ToString());
        start.ArgumentList.Add("--functions-worker-id");
        start.ArgumentList.Add(workerId);
        start.ArgumentList.Add("--functions-request-id");
        start.ArgumentList.Add(Guid.NewGuid().ToString());
        start.ArgumentList.Add("--functions-grpc-max-message-length");
        start.ArgumentList.Add(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        // Set last so that settings cannot point the worker elsewhere.
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, workerId);
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                logger.LogInformation("{WorkerOutput}", e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                logger.LogWarning("{WorkerOutput}", e.Data);
            }
        };
        process.Exited += (_, _) => worker._exited.TrySetResult(SafeExitCode(process));

        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start the worker '{launch.Executable}'.");
        }

        worker.ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        logger.LogInformation("Started worker {WorkerId} (pid {ProcessId}): {Executable} {WorkerPath}",
            workerId, process.Id, launch.Executable, launch.WorkerPath);
        return worker;
    }

    /// <summary>Waits up to <paramref name="grace"/> for the process to leave by itself, then kills it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            Kill();
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone (or going).
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
        _process.Dispose();
    }

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
