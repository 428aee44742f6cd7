using Emoty.Domain.Patterns;

namespace Emoty.Domain.Tests.Patterns;

public class PatternMetricsTests
{
    private static List<PatternCell> Grid(params string[] rows)
    {
        // Rows of single-letter stand-ins; '.' leaves the cell empty.
        var cells = new List<PatternCell>();
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                if (rows[r][c] != '.')
                {
                    cells.Add(new PatternCell(rows[r][c].ToString(), r, c));
                }
            }
        }

        return cells;
    }

    [Fact]
    public void an_empty_grid_scores_zero_and_takes_one_minute()
    {
        Assert.Equal(0m, PatternMetrics.ComplexityScore([], 8));
        Assert.Equal(1, PatternMetrics.EstimatedMinutes([], 8));
        Assert.Equal(0m, PatternMetrics.ComplexityScore([], 0));
    }

    [Fact]
    public void a_single_cell_scores_only_its_fill()
    {
        // D = 0, A = 0, S = 0, F = 1 → 10 × 0.20
        Assert.Equal(2.00m, PatternMetrics.ComplexityScore([new PatternCell("🌅", 0, 0)], 1));
        Assert.Equal(2, PatternMetrics.EstimatedMinutes([new PatternCell("🌅", 0, 0)], 1)); // ceil(1 + 10/60)
    }

    [Fact]
    public void a_2x2_checkerboard_follows_the_documented_formula()
    {
        // D = 1/2, A = 4/4, S = 1/9, F = 1 → 10 × (0.15 + 0.25 + 0.02777… + 0.20) = 6.2777… → 6.28
        var cells = Grid("ab", "ba");
        Assert.Equal(6.28m, PatternMetrics.ComplexityScore(cells, 2));
        Assert.Equal(3, PatternMetrics.EstimatedMinutes(cells, 2)); // ceil(1 + 4 × 25 / 60)
    }

    [Fact]
    public void a_uniform_grid_scores_lower_than_a_contrasting_one()
    {
        var uniform = Grid("aa", "aa");
        Assert.Equal(2.28m, PatternMetrics.ComplexityScore(uniform, 2)); // 10 × (0.25/9 + 0.20)
        Assert.True(PatternMetrics.ComplexityScore(uniform, 2) < PatternMetrics.ComplexityScore(Grid("ab", "ba"), 2));
        Assert.True(PatternMetrics.EstimatedMinutes(uniform, 2) <= PatternMetrics.EstimatedMinutes(Grid("ab", "ba"), 2));
    }

    [Fact]
    public void midpoints_round_away_from_zero()
    {
        // 3×3, two emojis, 3 of 12 neighbour pairs differ: 10 × (0.15 + 0.0625 + 0.05 + 0.20) = 4.625 exactly.
        var cells = Grid("aba", "aaa", "aaa");
        Assert.Equal(4.63m, PatternMetrics.ComplexityScore(cells, 3));
        Assert.Equal(4, PatternMetrics.EstimatedMinutes(cells, 3)); // ceil(1 + 9 × 17.5 / 60) = ceil(3.625)
    }

    [Fact]
    public void empty_cells_break_adjacency_and_lower_the_fill()
    {
        var sparse = Grid("a.b", "...", "b.a");
        // No two filled cells touch: A = 0. D = 1/2, S = 0.2, F = 4/9 → 10 × (0.15 + 0.05 + 0.0888…) = 2.888… → 2.89
        Assert.Equal(2.89m, PatternMetrics.ComplexityScore(sparse, 3));
    }

    [Fact]
    public void the_same_cells_in_any_order_give_the_same_figures()
    {
        var cells = Grid("abca", "bcab", "cabc", "abca");
        var score = PatternMetrics.ComplexityScore(cells, 4);
        var minutes = PatternMetrics.EstimatedMinutes(cells, 4);
        var random = new Random(42);
        for (var i = 0; i < 20; i++)
        {
            var shuffled = cells.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(score, PatternMetrics.ComplexityScore(shuffled, 4));
            Assert.Equal(minutes, PatternMetrics.EstimatedMinutes(shuffled, 4));
        }
    }

    [Fact]
    public void scores_have_at_most_two_decimals_and_stay_within_bounds()
    {
        var random = new Random(7);
        var emojis = new[] { "🌅", "🌸", "🌷", "❤️", "🇫🇷", "👍🏽", "1️⃣", "🏳️‍🌈", "🌊", "🔥", "⭐", "🍀" };
        foreach (var size in new[] { 1, 2, 3, 7, 16, 33, 64 })
        {
            var cells = new List<PatternCell>();
            for (var r = 0; r < size; r++)
            {
                for (var c = 0; c < size; c++)
                {
                    if (random.Next(3) > 0)
                    {
                        cells.Add(new PatternCell(emojis[random.Next(emojis.Length)], r, c));
                    }
                }
            }

            var score = PatternMetrics.ComplexityScore(cells, size);
            Assert.InRange(score, 0m, 10m);
            Assert.Equal(score, Math.Round(score, 2));
            Assert.InRange(PatternMetrics.EstimatedMinutes(cells, size), 1, 10080);
        }
    }

    [Fact]
    public void a_full_64x64_grid_of_many_emojis_scores_high_but_within_ten()
    {
        var cells = new List<PatternCell>();
        for (var r = 0; r < 64; r++)
        {
            for (var c = 0; c < 64; c++)
            {
                cells.Add(new PatternCell(char.ConvertFromUtf32(0x1F600 + (r * 3 + c) % 40), r, c));
            }
        }

        var score = PatternMetrics.ComplexityScore(cells, 64);
        Assert.InRange(score, 9m, 10m);
        Assert.InRange(PatternMetrics.EstimatedMinutes(cells, 64), 1000, 10080);
    }

    [Fact]
    public void grids_larger_than_the_limit_are_measured_the_same_way()
    {
        // Minutes depend only on cells, emojis and contrast, so the sparse path (size > 64) must agree with the dense one.
        var cells = Grid("abca", "bcab", "c.bc", "abca");
        Assert.Equal(PatternMetrics.EstimatedMinutes(cells, 64), PatternMetrics.EstimatedMinutes(cells, 100));
        Assert.InRange(PatternMetrics.ComplexityScore(cells, 100), 0m, 10m);
    }

    [Fact]
    public void more_distinct_emojis_raise_the_score()
    {
        var two = Grid("abab", "baba", "abab", "baba");
        var four = Grid("abcd", "badc", "cdab", "dcba");
        Assert.True(PatternMetrics.ComplexityScore(four, 4) > PatternMetrics.ComplexityScore(two, 4));
    }
}
