namespace Emoty.Domain.Patterns;

/// <summary>
/// The web editor's concentric form: a list of emojis, centre first, each one drawing the next
/// square ring outwards. <c>["❤️","🌸","🌷"]</c> is a 5×5 grid with ❤️ in the middle, a ring of
/// 🌸 around it and a ring of 🌷 on the border. <c>[]</c> is the cleared canvas the editor
/// autosaves: no cells, and a grid of side 1 unless the body names another size.
/// </summary>
public static class ConcentricLayout
{
    public const int MinRings = 0;

    /// <summary>32 rings are a grid of side 63, the largest odd side within the 64 a pattern may have.</summary>
    public const int MaxRings = 32;

    /// <summary>The side of the cleared canvas when the body does not give one.</summary>
    public const int EmptySize = 1;

    /// <summary>
    /// Expands <paramref name="emojis"/> (n of them, centre first) into a filled grid of side
    /// 2n−1, cells in row-major order. Cell (r,c) takes ring max(|r−(n−1)|, |c−(n−1)|).
    /// No emojis give no cells on a grid of <see cref="EmptySize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">more than <see cref="MaxRings"/> emojis (callers validate first).</exception>
    public static (IReadOnlyList<PatternCell> Cells, int Size) ToGrid(IReadOnlyList<string> emojis)
    {
        ArgumentNullException.ThrowIfNull(emojis);
        if (emojis.Count is < MinRings or > MaxRings)
        {
            throw new ArgumentException($"The concentric form has {MinRings} to {MaxRings} emojis.", nameof(emojis));
        }

        if (emojis.Count == 0)
        {
            return ([], EmptySize);
        }

        var centre = emojis.Count - 1;
        var size = 2 * emojis.Count - 1;
        var cells = new PatternCell[size * size];
        for (var row = 0; row < size; row++)
        {
            for (var col = 0; col < size; col++)
            {
                var ring = Math.Max(Math.Abs(row - centre), Math.Abs(col - centre));
                cells[row * size + col] = new PatternCell(emojis[ring], row, col);
            }
        }

        return (cells, size);
    }
}
