namespace Emoty.Domain.Patterns;

/// <summary>
/// The web editor's form: emojis centre first, each drawing the next square ring outwards (<c>["❤️","🌸","🌷"]</c> is 5×5).
/// <c>[]</c> is the cleared canvas the editor autosaves: no cells.
/// </summary>
public static class ConcentricLayout
{
    public const int MinRings = 0;

    /// <summary>A grid of side 63, the largest odd side within the 64 a pattern may have.</summary>
    public const int MaxRings = 32;

    /// <summary>The side of the cleared canvas when the body does not give one.</summary>
    public const int EmptySize = 1;

    /// <summary>Callers validate first: more than <see cref="MaxRings"/> emojis throw.</summary>
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
