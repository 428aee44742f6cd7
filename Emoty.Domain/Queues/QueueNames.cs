namespace Emoty.Domain.Queues;

/// <summary>The storage queues between the HTTP front and the background work.</summary>
public static class QueueNames
{
    public const string UsageEvents = "usage-events";
    public const string SyncBatches = "sync-batches";

    public static IReadOnlyList<string> All { get; } = [UsageEvents, SyncBatches];
}
