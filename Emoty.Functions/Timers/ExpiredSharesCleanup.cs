using Emoty.Domain.Sharing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Emoty.Functions.Timers;

/// <summary>
/// Deletes expired shares and dead share links. Access never depends on it (every query checks
/// expiry itself); it only keeps the tables small. Schedule: the SharesCleanupSchedule setting.
/// </summary>
public sealed class ExpiredSharesCleanup(ShareService shares, ILogger<ExpiredSharesCleanup> logger)
{
    [Function(nameof(ExpiredSharesCleanup))]
    public async Task Run([TimerTrigger("%SharesCleanupSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var removed = await shares.DeleteExpiredAsync(cancellationToken);
        logger.LogInformation("Removed {Shares} expired share(s) and {Links} dead link(s); past due: {PastDue}", removed.Shares, removed.Links, timer.IsPastDue);
    }
}
