namespace Emoty.Domain.Patterns;

/// <summary>One emoji placed on a pattern's square grid (zero-based row and column).</summary>
public sealed record PatternCell(string Emoji, int Row, int Col);
