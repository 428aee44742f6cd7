using Emoty.Domain.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Emoty.Domain.Tests.Telemetry;

/// <summary>
/// The app's meter (and Npgsql's) read the way an exporter reads them: an OpenTelemetry meter
/// provider with the in-memory exporter, flushed on demand (no export interval, no waiting).
/// Totals are cumulative from this provider's creation.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly List<MetricSnapshot> _exported = [];
    private readonly MeterProvider _provider;

    public MetricsCollector() =>
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(EmotyMetrics.MeterName, "Npgsql")
            .AddInMemoryExporter(_exported)
            .Build();

    /// <summary>The points of <paramref name="metric"/> whose tags include all of <paramref name="tags"/>, as of now.</summary>
    public IReadOnlyList<MetricPoint> Points(string metric, params (string Key, object Value)[] tags)
    {
        _exported.Clear();
        Assert.True(_provider.ForceFlush(), "the meter provider did not flush");
        return _exported.Where(m => m.Name == metric).SelectMany(m => m.MetricPoints).Where(p => HasTags(p, tags)).ToList();
    }

    public long Sum(string metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetSumLong());

    public long HistogramCount(string metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetHistogramCount());

    public double HistogramSum(string metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetHistogramSum());

    private static bool HasTags(MetricPoint point, (string Key, object Value)[] wanted)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return wanted.All(w => tags.TryGetValue(w.Key, out var value) && Equals(value, w.Value));
    }

    public void Dispose() => _provider.Dispose();
}
