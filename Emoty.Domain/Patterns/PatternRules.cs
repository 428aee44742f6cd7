using System.Globalization;
using System.Text;

namespace Emoty.Domain.Patterns;

/// <summary>Lengths count text elements (what a person sees as one character), so an emoji in a name costs one, not two to eleven.</summary>
public static class PatternRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxPaletteIdLength = 50;
    public const int MinSize = 1;
    public const int MaxSize = 64;
    public const int MaxCells = MaxSize * MaxSize;
    public const int MaxTags = 20;
    public const int MaxTagLength = 32;
    public const int MinDifficulty = 1;
    public const int MaxDifficulty = 5;
    public const int DefaultDifficulty = 1;
    public const int MinEstimatedMinutes = PatternMetrics.MinMinutes;
    public const int MaxEstimatedMinutes = PatternMetrics.MaxMinutes;
    public const int MaxGenerationPromptLength = 1000;
    public const int MaxMetadataBytes = 4096;
    public const string DefaultPaletteId = "default";

    /// <summary>A text element may carry any number of combining marks; this backstop keeps "100 characters" from smuggling in megabytes.</summary>
    internal const int MaxUnitsPerElement = 16;

    /// <summary>The form tags are stored and searched in.</summary>
    public static string NormalizeTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.Trim().ToLowerInvariant();
    }

    internal static string? NameError(string trimmed) => TextError(trimmed, 1, MaxNameLength, multiline: false);

    internal static string? DescriptionError(string value) => TextError(value, 0, MaxDescriptionLength, multiline: true);

    internal static string? GenerationPromptError(string value) => TextError(value, 0, MaxGenerationPromptLength, multiline: true);

    internal static string? PaletteIdError(string value) => TextError(value, 1, MaxPaletteIdLength, multiline: false);

    internal static string? TagError(string normalized) =>
        TextError(normalized, 1, MaxTagLength, multiline: false)
        // A comma separates tags in the search parameters, so a tag holding one could never be found.
        ?? (normalized.Contains(',', StringComparison.Ordinal) ? "must not contain a comma" : null);

    internal static string? SizeError(int size) => RangeError(size, MinSize, MaxSize);

    internal static string? DifficultyError(int value) => RangeError(value, MinDifficulty, MaxDifficulty);

    internal static string? EstimatedMinutesError(int value) => RangeError(value, MinEstimatedMinutes, MaxEstimatedMinutes);

    internal static string? RangeError(long value, long min, long max) =>
        value < min || value > max ? $"must be between {min} and {max}" : null;

    /// <summary>PostgreSQL text cannot hold NUL or unpaired surrogates, so letting them through would turn a client's mistake into a 500.</summary>
    internal static string? TextError(string value, int min, int max, bool multiline)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return "is not valid text";
            }

            if (Rune.IsControl(rune) && !(multiline && rune.Value is '\t' or '\n' or '\r'))
            {
                return "must not contain control characters";
            }

            rest = rest[used..];
        }

        var fits = value.Length <= (long)max * MaxUnitsPerElement
            && TextLengthAtMost(value, max) is var length && length >= min && length <= max;
        return fits ? null : LengthMessage(min, max);
    }

    internal static string LengthMessage(int min, int max) =>
        min == 0 ? $"must be at most {max} characters" : $"must be {min} to {max} characters";

    /// <summary>Cut at a text element where the suffix would push the name past <see cref="MaxNameLength"/>.</summary>
    internal static string CopyName(string name)
    {
        const string suffix = " (copy)";
        var room = MaxNameLength - suffix.Length;
        var rest = name.AsSpan();
        var kept = 0;
        for (var count = 0; count < room && kept < rest.Length; count++)
        {
            kept += StringInfo.GetNextTextElementLength(rest[kept..]);
        }

        return name[..kept].TrimEnd() + suffix;
    }

    /// <summary>Counts no further than <paramref name="max"/> + 1.</summary>
    internal static int TextLengthAtMost(string value, int max)
    {
        var rest = value.AsSpan();
        var count = 0;
        while (!rest.IsEmpty && count <= max)
        {
            rest = rest[StringInfo.GetNextTextElementLength(rest)..];
            count++;
        }

        return count;
    }
}
