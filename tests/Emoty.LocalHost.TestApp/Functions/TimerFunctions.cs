using Microsoft.Azure.Functions.Worker;

namespace Emoty.LocalHost.TestApp.Functions;

public sealed class TimerFunctions
{
    [Function(nameof(Tick))]
    [QueueOutput("%TickQueue%")]
    public string Tick([TimerTrigger("%TickSchedule%")] TimerInfo timer) =>
        $"tick next={timer.ScheduleStatus?.Next:O} pastDue={timer.IsPastDue}";
}
