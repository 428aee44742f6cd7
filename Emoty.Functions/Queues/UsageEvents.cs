using Emoty.Domain.Analytics;
using Emoty.Domain.Queues;
using Emoty.Domain.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace Emoty.Functions.Queues;

/// <summary>Aggregates usage events; a failing message is retried and, after maxDequeueCount attempts, parked in the poison queue.</summary>
public sealed class UsageEvents(AnalyticsService analytics)
{
    [Function(nameof(UsageEvents))]
    public Task Run([QueueTrigger("%UsageEventsQueue%")] BinaryData message, DateTimeOffset? insertionTime, CancellationToken cancellationToken)
    {
        EmotyMetrics.RecordQueueMessageAge(QueueNames.Default.UsageEvents, insertionTime);
        return analytics.ProcessAsync(UsageEventQueue.Read(message), cancellationToken);
    }
}
