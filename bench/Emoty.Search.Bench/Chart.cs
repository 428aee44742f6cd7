using ScottPlot;

namespace Emoty.Search.Bench;

/// <summary>p99 against data size on log–log axes, project solid beside straightforward dashed, for the shapes people hit most.</summary>
public static class Chart
{
    private static readonly string[] Drawn =
    [
        "word, relevance", "most common word, relevance", "two common words, relevance", "word, sort=like_count",
        "word + public + difficulty 2-4 + 180 days, sort=like_count", "tag, sort=like_count", "common word, include=facets",
        "next page: sort=like_count",
    ];

    public static void Write(string path, int[] sizes, IReadOnlyDictionary<int, List<Result>> results)
    {
        var plot = new Plot();
        var xs = sizes.Select(s => Math.Log10(s)).ToArray();
        var drawn = Drawn.Where(shape => results.Values.All(rows => rows.Any(r => r.Shape == shape))).ToArray();
        for (var i = 0; i < drawn.Length; i++)
        {
            var color = new ScottPlot.Palettes.Category10().GetColor(i);
            var project = plot.Add.Scatter(xs, Series(sizes, results, drawn[i], r => r.Project.P99));
            project.Color = color;
            project.LineWidth = 2;
            project.LegendText = drawn[i];
            var plain = plot.Add.Scatter(xs, Series(sizes, results, drawn[i], r => r.Straightforward.P99));
            plain.Color = color;
            plain.LinePattern = LinePattern.Dashed;
        }

        plot.Title("Search p99 by data size: project (solid), straightforward (dashed)");
        plot.Axes.Bottom.Label.Text = "patterns";
        plot.Axes.Left.Label.Text = "p99 (ms)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            xs.Select((x, i) => new Tick(x, sizes[i].ToString("N0"))).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(-1, 6).Select(e => new Tick(e, Math.Pow(10, e).ToString("#,0.#"))).ToArray());
        plot.Axes.SetLimits(xs[0] - 0.2, xs[^1] + 0.2, -1, 4);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1400, 900);
    }

    private static double[] Series(int[] sizes, IReadOnlyDictionary<int, List<Result>> results, string shape, Func<Result, double> p99) =>
        sizes.Select(s => Math.Log10(Math.Max(0.1, p99(results[s].Single(r => r.Shape == shape))))).ToArray();
}
