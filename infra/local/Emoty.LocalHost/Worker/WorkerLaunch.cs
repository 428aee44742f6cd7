using System.Text.Json;

namespace Emoty.LocalHost.Worker;

/// <summary>How to start the worker, read from worker.config.json in the app directory.</summary>
internal sealed record WorkerLaunch(string Executable, IReadOnlyList<string> Arguments, string WorkerPath)
{
    public static WorkerLaunch Read(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No worker.config.json in '{appDirectory}': is this the build output of an isolated-worker Functions app?", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var description = document.RootElement.GetProperty("description");
        var executable = Text(description, "defaultExecutablePath") ?? "dotnet";
        var workerPath = Text(description, "defaultWorkerPath")
            ?? throw new InvalidOperationException($"{path} has no description.defaultWorkerPath.");
        var arguments = description.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Array
            ? args.EnumerateArray().Select(a => a.GetString()).OfType<string>().ToArray()
            : [];

        workerPath = Expand(workerPath, appDirectory);
        if (!Path.IsPathRooted(workerPath))
        {
            workerPath = Path.Combine(appDirectory, workerPath);
        }

        return new WorkerLaunch(ResolveExecutable(Expand(executable, appDirectory)), arguments, workerPath);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // worker.config.json may refer to its own folder as {WorkerRoot}.
    private static string Expand(string value, string appDirectory) =>
        value.Replace("{WorkerRoot}", appDirectory.TrimEnd('/', '\\') + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);

    // "dotnet" should be the muxer this process runs on, not whatever PATH finds first.
    private static string ResolveExecutable(string executable)
    {
        if (!string.Equals(executable, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return executable;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : executable;
    }
}
