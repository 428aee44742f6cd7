using System.Buffers;

namespace Emoty.Domain.Patterns;

/// <summary>
/// Exact decimal arithmetic on counts (no floating point, no logarithms), so the same cells and size give the same figures on
/// every machine and in every order the cells arrive. The formulas are documented in README.md.
/// </summary>
public static class PatternMetrics
{
    public const decimal MaxComplexity = 10m;
    public const int MinMinutes = 1;
    public const int MaxMinutes = 10080;

    // Grids up to this side are mapped onto a pooled dense array; larger (never valid) ones use a dictionary.
    private const int DenseSide = 64;

    public static decimal ComplexityScore(IReadOnlyList<PatternCell> cells, int size)
    {
        var f = Measure(cells, size);
        if (f.Cells == 0)
        {
            return 0m;
        }

        var raw = MaxComplexity * (0.30m * f.Diversity + 0.25m * f.Contrast + 0.25m * f.Size + 0.20m * f.Fill);
        return Math.Clamp(Math.Round(raw, 2, MidpointRounding.AwayFromZero), 0m, MaxComplexity);
    }

    /// <summary>By hand: a minute to set up plus 10–30 seconds per cell, more with more emojis to pick from and more changes between neighbours.</summary>
    public static int EstimatedMinutes(IReadOnlyList<PatternCell> cells, int size)
    {
        var f = Measure(cells, size);
        var secondsPerCell = 10m + 10m * f.Diversity + 10m * f.Contrast;
        var minutes = Math.Ceiling(1m + f.Cells * secondsPerCell / 60m);
        return (int)Math.Clamp(minutes, MinMinutes, MaxMinutes);
    }

    private readonly record struct Features(int Cells, decimal Diversity, decimal Contrast, decimal Size, decimal Fill);

    private static Features Measure(IReadOnlyList<PatternCell> cells, int size)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0 || size <= 0)
        {
            return new Features(cells.Count, 0m, 0m, 0m, 0m);
        }

        // Emojis become small ids so neighbour comparisons are int compares, not string compares.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            ids.TryAdd(cell.Emoji, ids.Count + 1);
        }

        var (pairs, differing) = size <= DenseSide ? CountPairsDense(cells, size, ids) : CountPairsSparse(cells, size, ids);

        decimal distinct = ids.Count;
        decimal area = (decimal)size * size;
        return new Features(
            cells.Count,
            Diversity: (distinct - 1m) / distinct,
            Contrast: pairs == 0 ? 0m : (decimal)differing / pairs,
            Size: (size - 1m) / (size + 7m),
            Fill: Math.Min(1m, cells.Count / area));
    }

    private static (int Pairs, int Differing) CountPairsDense(IReadOnlyList<PatternCell> cells, int size, Dictionary<string, int> ids)
    {
        var area = size * size;
        var grid = ArrayPool<int>.Shared.Rent(area);
        try
        {
            Array.Clear(grid, 0, area); // 0 = empty
            foreach (var cell in cells)
            {
                if (InGrid(cell, size))
                {
                    grid[cell.Row * size + cell.Col] = ids[cell.Emoji];
                }
            }

            int pairs = 0, differing = 0;
            for (var row = 0; row < size; row++)
            {
                for (var col = 0; col < size; col++)
                {
                    var here = grid[row * size + col];
                    if (here == 0)
                    {
                        continue;
                    }

                    // Right and down only, so each pair is counted once.
                    if (col + 1 < size && grid[row * size + col + 1] is var right and not 0)
                    {
                        pairs++;
                        differing += right != here ? 1 : 0;
                    }

                    if (row + 1 < size && grid[(row + 1) * size + col] is var down and not 0)
                    {
                        pairs++;
                        differing += down != here ? 1 : 0;
                    }
                }
            }

            return (pairs, differing);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(grid);
        }
    }

    private static (int Pairs, int Differing) CountPairsSparse(IReadOnlyList<PatternCell> cells, int size, Dictionary<string, int> ids)
    {
        var grid = new Dictionary<(int Row, int Col), int>(cells.Count);
        foreach (var cell in cells)
        {
            if (InGrid(cell, size))
            {
                grid[(cell.Row, cell.Col)] = ids[cell.Emoji];
            }
        }

        int pairs = 0, differing = 0;
        foreach (var ((row, col), here) in grid)
        {
            if (grid.TryGetValue((row, col + 1), out var right))
            {
                pairs++;
                differing += right != here ? 1 : 0;
            }

            if (grid.TryGetValue((row + 1, col), out var down))
            {
                pairs++;
                differing += down != here ? 1 : 0;
            }
        }

        return (pairs, differing);
    }

    private static bool InGrid(PatternCell cell, int size) =>
        cell.Row >= 0 && cell.Row < size && cell.Col >= 0 && cell.Col < size;
}
