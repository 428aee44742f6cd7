using Emoty.Domain.Analytics;
using Emoty.Domain.Sync;
using Microsoft.Azure.Functions.Worker;

namespace Emoty.Functions.Timers;

/// <summary>
/// Keeps history from growing without end: sync feed events past their retention (a cursor before
/// them is then 410, and the client resyncs) and raw usage events no longer needed to spot
/// duplicates (the daily rollups and totals stay). Schedule: the HistoryPruneSchedule setting.
/// </summary>
public sealed class HistoryPruning(SyncService sync, AnalyticsService analytics)
{
    [Function(nameof(HistoryPruning))]
    public async Task Run([TimerTrigger("%HistoryPruneSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await sync.PruneFeedAsync(cancellationToken);
        await analytics.PruneEventsAsync(cancellationToken);
    }
}
