using System.Text.Json;
using Emoty.Domain.Errors;

namespace Emoty.Domain.Patterns;

/// <summary><see cref="ConcentricSize"/> is the grid side the editor's concentric form implies.</summary>
public sealed record PatternSequence(IReadOnlyList<PatternCell> Cells, string? Metadata, int? ConcentricSize = null)
{
    /// <summary>For merging an update into the current pattern; a stored sequence that is not valid is a <see cref="FormatException"/>.</summary>
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
