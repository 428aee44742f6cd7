using System.Diagnostics;
using System.Runtime;

namespace Emoty.Search.Bench;

public sealed record Stats(int Runs, double P50, double P95, double P99, double Max)
{
    /// <summary>Leaves <paramref name="times"/> in run order: the paged shapes' --slowest listing reads it by index afterwards.</summary>
    public static Stats Of(IReadOnlyCollection<double> times)
    {
        var sorted = times.Order().ToList();
        return new Stats(sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[^1]);
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

        var times = await WithoutCollectionsAsync(async () =>
        {
            var timed = new List<double>(runs);
            var total = Stopwatch.StartNew();
            for (var i = 0; i < runs && (i < 30 || total.Elapsed < budget); i++)
            {
                var watch = Stopwatch.StartNew();
                await search(i);
                timed.Add(watch.Elapsed.TotalMilliseconds);
                observe?.Invoke(i, timed[^1]);
            }

            return timed;
        });
        return Stats.Of(times);
    }

    /// <summary>
    /// Runs a timed pass with this process's garbage collector held off (up to <see cref="NoCollectionBudget"/> of allocation;
    /// past it, collections resume). The bench holds its whole workload on the heap, and one collection of it in a pass of 50 pages
    /// was the pass's p99: page 46 by likes at a million patterns took 12.47 ms, of which 9.05 ms was a gen0 pause
    /// (GC.GetTotalPauseDuration), against 1-2 ms for every other page and under 3 ms to bind and execute any page's statement
    /// in the server's log. That pause is the bench's heap, not the search's. Only this process is held off: the worker behind
    /// the HTTP column collects as it would in service, so its pauses stay in those figures.
    /// </summary>
    public static async Task<T> WithoutCollectionsAsync<T>(Func<Task<T>> timed)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heldOff = GC.TryStartNoGCRegion(NoCollectionBudget);
        try
        {
            return await timed();
        }
        finally
        {
            // A pass that allocated past the budget ended the region with a collection of its own.
            if (heldOff && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    private const long NoCollectionBudget = 200L * 1024 * 1024;
}
