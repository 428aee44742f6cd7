using System.Text.Json;
using Emoty.Domain.Errors;

namespace Emoty.Domain.Patterns;

/// <summary>
/// A parsed <c>sequence</c>: the positioned cells, the client's <c>metadata</c> object as compact
/// JSON (kept as-is, null when absent), and for the editor's concentric form the grid side it implies.
/// </summary>
public sealed record PatternSequence(IReadOnlyList<PatternCell> Cells, string? Metadata, int? ConcentricSize = null)
{
    /// <summary>
    /// Reads a stored sequence (<see cref="PatternDraft.ToSequenceJson"/>'s form, or the concentric
    /// array) back into cells, for merging an update into the current pattern.
    /// </summary>
    /// <exception cref="FormatException">the JSON is not a valid sequence.</exception>
    public static PatternSequence FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return PatternInput.ParseSequence(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("The stored sequence is not JSON.", e);
        }
        catch (EmotyException e)
        {
            var first = e.Errors?.FirstOrDefault();
            throw new FormatException($"The stored sequence is not valid: {first?.Key} {first?.Value.FirstOrDefault()}", e);
        }
    }
}
