using Emoty.Domain.Patterns;
using Microsoft.Azure.Functions.Worker;

namespace Emoty.Functions.Timers;

/// <summary>
/// Copies ANALYZE's shares of words and tags for search (<see cref="SearchStatistics"/>). Autovacuum analyzes the patterns after a tenth of
/// them changed, so an hourly copy is fresh enough. Schedule: the SearchStatisticsSchedule setting.
/// </summary>
public sealed class SearchStatisticsRefresh(SearchStatistics statistics)
{
    [Function(nameof(SearchStatisticsRefresh))]
    public Task Run([TimerTrigger("%SearchStatisticsSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        statistics.RefreshAsync(cancellationToken);
}
