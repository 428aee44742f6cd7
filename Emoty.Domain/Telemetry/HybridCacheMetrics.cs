using System.Diagnostics.Tracing;

namespace Emoty.Domain.Telemetry;

/// <summary>
/// Turns HybridCache's own accounting into <see cref="EmotyMetrics"/>: its event source reports each
/// L1 hit and miss, each L2 hit and miss, and each call of the factory (the read that reaches
/// PostgreSQL), which is exactly what a level's hit rate needs and what no wrapper around
/// HybridCache could see (L1 sits inside it). It has no meter of its own in this version, only
/// these events; an in-process listener receives them synchronously on the reading thread.
/// One listener per process, as the event source is one per process.
/// </summary>
public sealed class HybridCacheMetrics : EventListener
{
    // The event source's name changed between releases; both are HybridCache's.
    private static readonly string[] SourceNames = ["HybridCache", "Microsoft-Extensions-HybridCache"];

    // Event ids of HybridCacheEventSource (stable: they are its wire contract for tracing tools).
    private const int LocalCacheHit = 1;
    private const int LocalCacheMiss = 2;
    private const int DistributedCacheHit = 4;
    private const int DistributedCacheMiss = 5;
    private const int UnderlyingDataQueryStart = 7;

    private static readonly Lazy<HybridCacheMetrics> Instance = new(() => new HybridCacheMetrics());

    private HybridCacheMetrics()
    {
    }

    /// <summary>Starts listening, once per process; later calls do nothing.</summary>
    public static void Start() => _ = Instance.Value;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // Runs from the base constructor too, for sources that already exist: touch no field here.
        if (SourceNames.Contains(eventSource.Name, StringComparer.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventId)
        {
            case LocalCacheHit:
                EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Memory, hit: true);
                break;
            case LocalCacheMiss:
                EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Memory, hit: false);
                break;
            case DistributedCacheHit:
                EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Redis, hit: true);
                break;
            case DistributedCacheMiss:
                EmotyMetrics.RecordCacheLookup(EmotyMetrics.CacheLevel.Redis, hit: false);
                break;
            case UnderlyingDataQueryStart:
                EmotyMetrics.RecordCacheDatabaseRead();
                break;
        }
    }
}
