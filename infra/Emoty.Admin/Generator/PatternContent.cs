using Emoty.Domain.Patterns;

namespace Emoty.Admin.Generator;

/// <summary>
/// What the owner wrote and drew: a pure function of (seed, pattern index), so an earlier version
/// can be derived again when pattern_versions is written, without holding a million grids in memory.
/// complexity_score and estimated_time_minutes come from <see cref="PatternMetrics"/>, as the app computes them.
/// </summary>
internal sealed record PatternContent(
    string Name, string? Description, Grid Grid, string PaletteId, string[] Tags, short Difficulty,
    decimal Complexity, int Minutes, string? Prompt)
{
    private static readonly string[] Palettes =
        ["pastel", "neon", "earth", "ocean", "sunset", "mono", "retro", "forest", "candy", "night", "spring", "autumn", "custom"];

    public static PatternContent For(int seed, int index, bool isAiGenerated)
    {
        var rng = Rng.For(seed, RngStream.PatternContent, index);
        var grid = Grids.Generate(ref rng);
        var complexity = PatternMetrics.ComplexityScore(grid.Cells, grid.Size);
        var minutes = PatternMetrics.EstimatedMinutes(grid.Cells, grid.Size);
        // Left at the editor's default by many; otherwise it follows the complexity, roughly.
        var difficulty = rng.Chance(0.3) ? (short)PatternRules.DefaultDifficulty
            : (short)Math.Clamp(1 + (int)(complexity / 2.5m) + rng.Next(-1, 1), PatternRules.MinDifficulty, PatternRules.MaxDifficulty);
        return new PatternContent(
            Text.Name(ref rng),
            Text.Description(ref rng),
            grid,
            rng.Chance(0.7) ? PatternRules.DefaultPaletteId : Palettes[rng.Zipfish(Palettes.Length)],
            Text.Tags(ref rng),
            difficulty,
            complexity,
            minutes,
            isAiGenerated ? Text.Prompt(ref rng, grid.Size) : null);
    }
}
