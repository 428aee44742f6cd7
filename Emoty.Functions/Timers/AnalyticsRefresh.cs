using Emoty.Domain.Analytics;
using Microsoft.Azure.Functions.Worker;

namespace Emoty.Functions.Timers;

/// <summary>Refreshes the user_analytics materialized view (CONCURRENTLY). Schedule: the AnalyticsRefreshSchedule setting.</summary>
public sealed class AnalyticsRefresh(AnalyticsService analytics)
{
    [Function(nameof(AnalyticsRefresh))]
    public Task Run([TimerTrigger("%AnalyticsRefreshSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        analytics.RefreshAsync(cancellationToken);
}
