using System.Text;
using Emoty.Domain.Patterns;

namespace Emoty.Admin.Generator;

/// <summary>A generated grid: its cells in row-major order (the order the app stores them in) and its side.</summary>
internal sealed record Grid(PatternCell[] Cells, int Size, int[] Palette)
{
    /// <summary>The stored form, as <c>PatternDraft.ToSequenceJson</c> writes it (row-major, no metadata).</summary>
    public string ToJson() => Grids.Json(Cells, Cells.Length);

    /// <summary>The first <paramref name="count"/> cells: an earlier version, drawn top to bottom.</summary>
    public string PrefixJson(int count) => Grids.Json(Cells, count);
}

/// <summary>
/// Emoji grids as people make them: half the editor's concentric rings, half free drawings
/// (stripes, mirrored motifs, blobs, shapes on an empty background, scattered stickers). Sides run
/// from 3 to 32 with most below 10; 1 to 10 distinct emojis, mostly from one theme.
/// </summary>
internal static class Grids
{
    public const int MaxSide = 32;

    private static readonly Dictionary<string, int> EmojiIndex =
        Emojis.All.Select((e, i) => (e, i)).ToDictionary(x => x.e, x => x.i, StringComparer.Ordinal);

    // One immutable cell object per (emoji, row, col), shared by every grid: a million patterns
    // would otherwise allocate tens of millions of identical records.
    private static readonly PatternCell?[] CellCache = new PatternCell?[Emojis.All.Length * MaxSide * MaxSide];

    // The JSON of a cell up to its row number, per emoji.
    private static readonly string[] CellPrefix = Emojis.All.Select(e => $$"""{"emoji":"{{e}}","position":{"row":""").ToArray();

    private static readonly string[] Numbers = Enumerable.Range(0, MaxSide).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [ThreadStatic]
    private static StringBuilder? builder;

    public static Grid Generate(ref Rng rng)
    {
        var palette = Palette(ref rng);
        return rng.Chance(0.45) ? Concentric(ref rng, palette) : Drawing(ref rng, palette);
    }

    private static int[] Palette(ref Rng rng)
    {
        var u = rng.NextDouble();
        var distinct = 1 + (int)(9 * u * u);
        var t = rng.NextDouble();
        var theme = Emojis.Themes[(int)(Emojis.Themes.Length * t * t)];
        var palette = new List<int>(distinct);
        while (palette.Count < distinct)
        {
            var emoji = rng.Chance(0.85) ? rng.Pick(theme) : rng.Pick(Emojis.All);
            var index = EmojiIndex[emoji];
            if (!palette.Contains(index))
            {
                palette.Add(index);
            }
        }

        return [.. palette];
    }

    /// <summary>The editor's form: one emoji per ring, centre first, so a side of 2·rings − 1, every cell filled.</summary>
    private static Grid Concentric(ref Rng rng, int[] palette)
    {
        var rings = Math.Min(16, 2 + (int)rng.Exponential(1.8));
        var ringEmoji = new int[rings];
        for (var i = 0; i < rings; i++)
        {
            // Cycling through the palette is the common "target" look; otherwise any order.
            ringEmoji[i] = rng.Chance(0.6) ? palette[i % palette.Length] : rng.Pick(palette);
        }

        var size = 2 * rings - 1;
        var grid = new int[size * size];
        for (var row = 0; row < size; row++)
        {
            for (var col = 0; col < size; col++)
            {
                grid[row * size + col] = ringEmoji[Math.Max(Math.Abs(row - (rings - 1)), Math.Abs(col - (rings - 1)))];
            }
        }

        return ToGrid(grid, size, palette);
    }

    private static Grid Drawing(ref Rng rng, int[] palette)
    {
        var size = Math.Min(MaxSide, 3 + (int)rng.Exponential(3.5));
        var grid = new int[size * size];
        Array.Fill(grid, -1);
        var kind = rng.Next(100);
        if (kind < 18)
        {
            Stripes(ref rng, grid, size, palette);
        }
        else if (kind < 40)
        {
            Mirrored(ref rng, grid, size, palette);
        }
        else if (kind < 58)
        {
            Blobs(ref rng, grid, size, palette);
        }
        else if (kind < 80)
        {
            Shape(ref rng, grid, size, palette);
        }
        else
        {
            Scatter(ref rng, grid, size, palette, 0.05 + 0.5 * rng.NextDouble());
        }

        return ToGrid(grid, size, palette);
    }

    // Background-heavy choice: the first emoji of the palette dominates, as in most drawings.
    private static int Weighted(ref Rng rng, int[] palette) =>
        palette[Math.Min(palette.Length - 1, (int)(palette.Length * Math.Pow(rng.NextDouble(), 1.8)))];

    private static void Stripes(ref Rng rng, int[] grid, int size, int[] palette)
    {
        var width = rng.Next(1, 3);
        var mode = rng.Next(4);
        for (var row = 0; row < size; row++)
        {
            for (var col = 0; col < size; col++)
            {
                var band = mode switch
                {
                    0 => row / width,
                    1 => col / width,
                    2 => (row + col) / width,
                    _ => row / width + col / width, // checkerboard
                };
                grid[row * size + col] = palette[band % palette.Length];
            }
        }
    }

    private static void Mirrored(ref Rng rng, int[] grid, int size, int[] palette)
    {
        var fill = 0.4 + 0.6 * rng.NextDouble();
        var both = rng.Chance(0.5);
        var half = (size + 1) / 2;
        for (var row = 0; row < (both ? half : size); row++)
        {
            for (var col = 0; col < half; col++)
            {
                if (!rng.Chance(fill))
                {
                    continue;
                }

                var emoji = Weighted(ref rng, palette);
                grid[row * size + col] = emoji;
                grid[row * size + size - 1 - col] = emoji;
                if (both)
                {
                    grid[(size - 1 - row) * size + col] = emoji;
                    grid[(size - 1 - row) * size + size - 1 - col] = emoji;
                }
            }
        }
    }

    /// <summary>Regions around a few seed points (nearest seed wins), sometimes inside a round mask.</summary>
    private static void Blobs(ref Rng rng, int[] grid, int size, int[] palette)
    {
        var seeds = new (int Row, int Col, int Emoji)[rng.Next(2, 6)];
        for (var i = 0; i < seeds.Length; i++)
        {
            seeds[i] = (rng.Next(size), rng.Next(size), palette[i % palette.Length]);
        }

        var masked = rng.Chance(0.4);
        var centre = (size - 1) / 2.0;
        for (var row = 0; row < size; row++)
        {
            for (var col = 0; col < size; col++)
            {
                if (masked && (row - centre) * (row - centre) + (col - centre) * (col - centre) > centre * centre + 0.5)
                {
                    continue;
                }

                var best = 0;
                var bestDistance = int.MaxValue;
                for (var i = 0; i < seeds.Length; i++)
                {
                    var d = Math.Abs(seeds[i].Row - row) + Math.Abs(seeds[i].Col - col);
                    if (d < bestDistance)
                    {
                        (best, bestDistance) = (i, d);
                    }
                }

                grid[row * size + col] = seeds[best].Emoji;
            }
        }
    }

    /// <summary>A figure on an empty canvas: diamond, ring, cross, frame or heart.</summary>
    private static void Shape(ref Rng rng, int[] grid, int size, int[] palette)
    {
        var shape = rng.Next(5);
        var c = (size - 1) / 2.0;
        var r = c;
        for (var row = 0; row < size; row++)
        {
            for (var col = 0; col < size; col++)
            {
                double dy = row - c, dx = col - c;
                var inside = shape switch
                {
                    0 => Math.Abs(dx) + Math.Abs(dy) <= r,
                    1 => Math.Abs(Math.Sqrt(dx * dx + dy * dy) - r * 0.75) <= 0.75,
                    2 => Math.Abs(dx) <= size / 6.0 || Math.Abs(dy) <= size / 6.0,
                    3 => row == 0 || col == 0 || row == size - 1 || col == size - 1,
                    _ => Heart(1.2 * dx / (r + 0.5), 0.1 - 1.3 * dy / (r + 0.5)),
                };
                if (inside)
                {
                    grid[row * size + col] = Weighted(ref rng, palette);
                }
            }
        }
    }

    private static bool Heart(double x, double y)
    {
        var a = x * x + y * y - 1;
        return a * a * a - x * x * y * y * y <= 0;
    }

    private static void Scatter(ref Rng rng, int[] grid, int size, int[] palette, double fill)
    {
        for (var i = 0; i < grid.Length; i++)
        {
            if (rng.Chance(fill))
            {
                grid[i] = Weighted(ref rng, palette);
            }
        }

        // Never an empty canvas: the empty grid is a different kind of pattern (a cleared autosave).
        if (Array.TrueForAll(grid, e => e < 0))
        {
            grid[rng.Next(grid.Length)] = palette[0];
        }
    }

    private static Grid ToGrid(int[] grid, int size, int[] palette)
    {
        var count = grid.Count(e => e >= 0);
        if (count == 0)
        {
            grid[grid.Length / 2] = palette[0];
            count = 1;
        }

        var cells = new PatternCell[count];
        var n = 0;
        for (var i = 0; i < grid.Length; i++)
        {
            if (grid[i] >= 0)
            {
                cells[n++] = Cell(grid[i], i / size, i % size);
            }
        }

        return new Grid(cells, size, palette);
    }

    private static PatternCell Cell(int emoji, int row, int col)
    {
        var slot = (emoji * MaxSide + row) * MaxSide + col;
        return CellCache[slot] ??= new PatternCell(Emojis.All[emoji], row, col);
    }

    internal static string Json(PatternCell[] cells, int count)
    {
        var json = builder ??= new StringBuilder(64 * 1024);
        json.Clear().Append("""{"emojis":[""");
        for (var i = 0; i < count; i++)
        {
            var cell = cells[i];
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(CellPrefix[EmojiIndex[cell.Emoji]]).Append(Numbers[cell.Row]).Append(""","col":""").Append(Numbers[cell.Col]).Append("}}");
        }

        return json.Append("]}").ToString();
    }
}
