using System.Diagnostics;

namespace Emoty.Search.Bench;

public sealed record Stats(int Runs, double P50, double P95, double P99, double Max)
{
    public static Stats Of(List<double> times)
    {
        times.Sort();
        return new Stats(times.Count, Percentile(times, 0.5), Percentile(times, 0.95), Percentile(times, 0.99), times[^1]);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

public static class Measure
{
    /// <summary>
    /// Times <paramref name="runs"/> searches, each drawn afresh, after running the same draws once untimed. A
    /// design that takes seconds a search stops after <paramref name="budget"/> (at least 30 runs), so the
    /// straightforward design's slow shapes do not take the whole evening. <paramref name="observe"/> sees each run's time.
    /// </summary>
    /// <remarks>
    /// Both designs run on one server, one after the other, over the same draws. Timed on its first pass, the design that
    /// went first paid the first reads of the rows both return and the other found them in shared buffers (next page by
    /// likes at a million patterns: project p50 2.08 ms after it, 1.38 with its pages read once before, straightforward 1.31).
    /// Its own untimed pass first puts each design in the same state: warm, as the figures were taken.
    /// </remarks>
    public static async Task<Stats> TimeAsync(int runs, TimeSpan budget, Func<int, Task> search, Action<int, double>? observe = null)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < runs && (i < 30 || warm.Elapsed < budget); i++)
        {
            await search(i);
        }

        var times = new List<double>(runs);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < runs && (i < 30 || total.Elapsed < budget); i++)
        {
            var watch = Stopwatch.StartNew();
            await search(i);
            times.Add(watch.Elapsed.TotalMilliseconds);
            observe?.Invoke(i, times[^1]);
        }

        return Stats.Of(times);
    }
}
