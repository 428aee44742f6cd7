using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Emoty.Domain.Patterns;

/// <summary>Validated: drafts come from <see cref="PatternInput.ParseCreate"/>, <see cref="PatternChanges.ApplyTo"/> or a stored pattern.</summary>
public sealed record PatternDraft
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>In the order the client sent them: error paths index into that order.</summary>
    public required IReadOnlyList<PatternCell> Cells { get; init; }

    public required int Size { get; init; }

    /// <summary>Compact JSON object text.</summary>
    public string? SequenceMetadata { get; init; }

    public required string PaletteId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public int DifficultyRating { get; init; } = PatternRules.DefaultDifficulty;

    /// <summary>Null means the server computes one (<see cref="EstimatedMinutes"/>).</summary>
    public int? EstimatedTimeMinutes { get; init; }

    public bool IsPublic { get; init; }
    public bool IsAiGenerated { get; init; }
    public string? GenerationPrompt { get; init; }
    public Guid? ParentPatternId { get; init; }

    public decimal ComplexityScore => PatternMetrics.ComplexityScore(Cells, Size);

    public int EstimatedMinutes => EstimatedTimeMinutes ?? PatternMetrics.EstimatedMinutes(Cells, Size);

    // Relaxed escaping keeps non-ASCII text readable in storage; this JSON is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The canonical stored form: cells in row-major order, so equal grids give equal JSON.</summary>
    public string ToSequenceJson()
    {
        var ordered = Cells.ToArray();
        Array.Sort(ordered, static (a, b) =>
            a.Row != b.Row ? a.Row.CompareTo(b.Row)
            : a.Col != b.Col ? a.Col.CompareTo(b.Col)
            : string.CompareOrdinal(a.Emoji, b.Emoji));

        var buffer = new ArrayBufferWriter<byte>(32 + ordered.Length * 56 + (SequenceMetadata?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("emojis");
            foreach (var cell in ordered)
            {
                writer.WriteStartObject();
                WriteEmoji(writer, cell.Emoji);
                writer.WriteStartObject("position");
                writer.WriteNumber("row", cell.Row);
                writer.WriteNumber("col", cell.Col);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (SequenceMetadata is not null)
            {
                writer.WritePropertyName("metadata");
                writer.WriteRawValue(SequenceMetadata);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// System.Text.Json's encoders escape everything outside the BMP ("🌅" would be twelve bytes of <c>\uD83C\uDF05</c>).
    /// A valid emoji holds no quote, backslash or control character, so it is written as it is.
    /// </summary>
    private static void WriteEmoji(Utf8JsonWriter writer, string emoji)
    {
        writer.WritePropertyName("emoji");
        if (!Emoji.IsSingleEmoji(emoji))
        {
            writer.WriteStringValue(emoji);
            return;
        }

        Span<byte> quoted = stackalloc byte[Emoji.MaxUtf8Bytes + 2];
        quoted[0] = (byte)'"';
        var length = Encoding.UTF8.GetBytes(emoji, quoted[1..]);
        quoted[length + 1] = (byte)'"';
        writer.WriteRawValue(quoted[..(length + 2)]);
    }
}
