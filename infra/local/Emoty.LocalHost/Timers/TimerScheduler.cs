using System.Text.Json;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Timers;

/// <summary>
/// Runs every timer-triggered function of the host on its schedule. A run never overlaps the
/// previous run of the same function, a failed run is logged and the schedule goes on, and a
/// run that starts more than a second late (the host was busy or suspended) is marked IsPastDue.
/// </summary>
internal sealed class TimerScheduler(IFunctionInvoker invoker, OutputBindings outputs, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    public Task RunAsync(IEnumerable<ScheduledFunction> functions, CancellationToken stop) =>
        Task.WhenAll(functions.Select(f => RunOneAsync(f, stop)));

    private async Task RunOneAsync(ScheduledFunction scheduled, CancellationToken stop)
    {
        DateTime? last = null;
        try
        {
            if (scheduled.RunOnStartup)
            {
                var now = Now();
                await FireAsync(scheduled, last, scheduled.Schedule.Next(now), isPastDue: false);
                last = now;
            }

            var next = scheduled.Schedule.Next(Now());
            while (!stop.IsCancellationRequested)
            {
                // Delays may wake a little early: sleep until the occurrence has really come.
                for (var wait = next - Now(); wait > TimeSpan.Zero; wait = next - Now())
                {
                    await Task.Delay(wait, time, stop);
                }

                var firedAt = Now();
                var following = scheduled.Schedule.Next(firedAt > next ? firedAt : next);
                await FireAsync(scheduled, last, following, isPastDue: firedAt - next > PastDueTolerance);
                last = next;
                // A run longer than the interval skips the occurrences it overran instead of bursting.
                next = following > Now() ? following : scheduled.Schedule.Next(Now());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task FireAsync(ScheduledFunction scheduled, DateTime? last, DateTime next, bool isPastDue)
    {
        var function = scheduled.Function;
        try
        {
            var request = new InvocationRequest();
            request.InputData.Add(new ParameterBinding
            {
                Name = function.Trigger!.Name,
                Data = new TypedData { Json = TimerInfoJson(last, next, Now(), isPastDue) },
            });
            var response = await invoker.InvokeAsync(function, request, CancellationToken.None);
            if (response.Result?.Status != StatusResult.Types.Status.Success)
            {
                logger.LogError("Executed {Function} (Failed, Id={InvocationId}): {Error}",
                    function.Name, response.InvocationId, response.Result?.Exception?.Message);
                return;
            }

            if (function.HasStoredOutputs)
            {
                await outputs.WriteAsync(function, response, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the schedule goes on.
            logger.LogError(ex, "The timer run of {Function} failed", function.Name);
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>The TimerInfo the worker deserialises.</summary>
    internal static string TimerInfoJson(DateTime? last, DateTime next, DateTime lastUpdated, bool isPastDue)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Schedule");
            writer.WriteBoolean("AdjustForDST", true);
            writer.WriteEndObject();
            writer.WriteStartObject("ScheduleStatus");
            writer.WriteString("Last", last ?? DateTime.MinValue);
            writer.WriteString("Next", next);
            writer.WriteString("LastUpdated", lastUpdated);
            writer.WriteEndObject();
            writer.WriteBoolean("IsPastDue", isPastDue);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}

/// <summary>A timer function with its resolved schedule.</summary>
internal sealed record ScheduledFunction(FunctionInfo Function, TimerSchedule Schedule, bool RunOnStartup);
