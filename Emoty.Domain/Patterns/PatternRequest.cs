using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emoty.Domain.Json;
using FluentValidation;

namespace Emoty.Domain.Patterns;

public sealed record PatternRequest : RequestBody
{
    public Field<string> Name { get; init; }
    public Field<string> Description { get; init; }
    public Field<long> Size { get; init; }
    public Field<string> PaletteId { get; init; }
    public Field<List<Field<string>>> Tags { get; init; }
    public Field<long> DifficultyRating { get; init; }
    public Field<long?> EstimatedTimeMinutes { get; init; }
    public Field<bool> IsPublic { get; init; }
    public Field<bool> IsAiGenerated { get; init; }
    public Field<string> GenerationPrompt { get; init; }
    public Field<string> ParentPatternId { get; init; }
    public Field<long> Version { get; init; }
    public Field<SequenceRequest> Sequence { get; init; }
}

/// <summary>The editor's concentric array (centre first), or the positioned object.</summary>
[JsonConverter(typeof(SequenceRequestConverter))]
public sealed record SequenceRequest : IArrayOrObject
{
    public List<Field<string>>? Concentric { get; init; }
    public PositionedSequenceRequest? Positioned { get; init; }
}

public sealed record PositionedSequenceRequest : RequestBody
{
    public Field<List<Field<CellRequest>>> Emojis { get; init; }
    public Field<JsonElement?> Metadata { get; init; }
}

public sealed record CellRequest : RequestBody
{
    public Field<string> Emoji { get; init; }
    public Field<PositionRequest> Position { get; init; }
}

public sealed record PositionRequest : RequestBody
{
    public Field<long> Row { get; init; }
    public Field<long> Col { get; init; }
}

internal sealed class SequenceRequestConverter : JsonConverter<SequenceRequest>
{
    public override SequenceRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType == JsonTokenType.StartArray
                ? new SequenceRequest { Concentric = Deserialize<List<Field<string>>>(ref reader, options) }
                : new SequenceRequest { Positioned = Deserialize<PositionedSequenceRequest>(ref reader, options) };
        }
        catch (JsonException inner)
        {
            throw new JsonException(inner.Message, inner); // see FieldConverter.ReadNested
        }
    }

    private static T? Deserialize<T>(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));

    public override void Write(Utf8JsonWriter writer, SequenceRequest value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request members are only read.");
}

/// <summary>
/// Only what the body alone decides: rules against the stored pattern are <see cref="PatternChanges.ApplyTo"/>'s,
/// and positions against each other and the grid are <see cref="PatternInput.CheckGrid"/>'s, shared with it.
/// </summary>
internal sealed class PatternRequestValidator : RequestValidator<PatternRequest>
{
    public PatternRequestValidator(bool isCreate, bool allowVersion)
    {
        RuleFor(x => x.Name).Custom((name, context) =>
            context.Fail(!name.IsSet ? null : name.Value is { } text ? PatternRules.NameError(text.Trim()) : "must be a string"));
        RuleFor(x => x.Description).Custom((text, context) => context.Fail(NullableText(text, PatternRules.DescriptionError)));
        RuleFor(x => x.Size).Custom((size, context) => context.Fail(Integer(size, PatternRules.MinSize, PatternRules.MaxSize)));
        RuleFor(x => x.PaletteId).Custom((palette, context) =>
            context.Fail(!palette.IsSet ? null : palette.Value is { } text ? PatternRules.PaletteIdError(text) : "must be a string"));
        RuleFor(x => x.Tags).Custom((tags, context) =>
            context.Fail(!tags.IsSet ? null
                : tags.Value is not { } list ? "must be an array of strings"
                : list.Count > PatternRules.MaxTags ? $"must have at most {PatternRules.MaxTags} tags"
                : null));
        RuleForEach(x => x.Tags.Value).Custom((tag, context) =>
                context.Fail(tag.Value is { } text ? PatternRules.TagError(PatternRules.NormalizeTag(text)) : "must be a string"))
            .When(x => x.Tags.Value is { Count: <= PatternRules.MaxTags });
        RuleFor(x => x.DifficultyRating).Custom((rating, context) =>
            context.Fail(Integer(rating, PatternRules.MinDifficulty, PatternRules.MaxDifficulty)));
        RuleFor(x => x.EstimatedTimeMinutes).Custom((minutes, context) =>
            context.Fail(minutes.IsWrongType ? "must be an integer"
                : minutes.Value is { } value ? PatternRules.RangeError(value, PatternRules.MinEstimatedMinutes, PatternRules.MaxEstimatedMinutes)
                : null));
        RuleFor(x => x.IsPublic).Custom((flag, context) => context.Fail(flag.IsWrongType ? "must be true or false" : null));
        RuleFor(x => x.IsAiGenerated).Custom((flag, context) => context.Fail(flag.IsWrongType ? "must be true or false" : null));
        RuleFor(x => x.GenerationPrompt).Custom((text, context) => context.Fail(NullableText(text, PatternRules.GenerationPromptError)));
        RuleFor(x => x.ParentPatternId).Custom((parent, context) =>
            context.Fail(parent.IsWrongType || (parent.Value is { } text && !Guid.TryParseExact(text, "D", out _)) ? "must be a UUID string or null" : null));
        RuleFor(x => x.Version).Custom((version, context) =>
            context.Fail(!version.IsSet ? null : allowVersion ? Integer(version, 1, int.MaxValue) : "is set by the server"));
        RuleFor(x => x).Custom(Unknown<PatternRequest>(name => PatternInput.ServerFields.Contains(name) ? "is set by the server" : "is not a known field"));

        RuleFor(x => x.Sequence).Custom((sequence, context) =>
            context.Fail(sequence.IsSet && sequence.Value is null
                ? $"must be an object with emojis, or an array of {ConcentricLayout.MinRings} to {ConcentricLayout.MaxRings} emojis (centre first)"
                : null));
        RuleFor(x => x.Sequence.Value!.Concentric).Custom((emojis, context) =>
                context.Fail(emojis!.Count is < ConcentricLayout.MinRings or > ConcentricLayout.MaxRings
                    ? $"must have {ConcentricLayout.MinRings} to {ConcentricLayout.MaxRings} emojis" : null))
            .When(x => x.Sequence.Value?.Concentric is not null);
        RuleForEach(x => x.Sequence.Value!.Concentric).Custom((emoji, context) => context.Fail(EmojiError(emoji)))
            .When(x => x.Sequence.Value?.Concentric is { Count: <= ConcentricLayout.MaxRings });
        RuleFor(x => x.Sequence.Value!.Positioned!).SetValidator(new PositionedValidator())
            .When(x => x.Sequence.Value?.Positioned is not null);

        // A concentric sequence fixes the size; the cleared canvas ([]) has no rings to fix one.
        RuleFor(x => x).Custom((request, context) =>
        {
            if (IsValidConcentric(request.Sequence) is { Count: > 0 } emojis && Integer(request.Size, PatternRules.MinSize, PatternRules.MaxSize) is null
                && request.Size is { IsSet: true, Value: var size } && size != 2L * emojis.Count - 1)
            {
                context.AddFailure("size", $"must be {2 * emojis.Count - 1} (2n−1) for a concentric sequence of {emojis.Count} emojis");
            }
        });

        if (isCreate)
        {
            RuleFor(x => x).Custom((request, context) =>
            {
                var concentric = request.Sequence.Value?.Concentric is not null;
                Require(request.Name.IsSet, "name", "is required");
                Require(request.Sequence.IsSet, "sequence", "is required");
                // Without a sequence the form is unknown; ask for what the positioned (documented) form needs.
                Require(concentric || request.Size.IsSet, "size", "is required unless the sequence is the concentric array form");
                Require(concentric || request.PaletteId.IsSet, "palette_id", "is required unless the sequence is the concentric array form");

                void Require(bool present, string path, string message)
                {
                    if (!present)
                    {
                        context.AddFailure(path, message);
                    }
                }
            });
        }
    }

    internal static List<Field<string>>? IsValidConcentric(Field<SequenceRequest> sequence) =>
        sequence.Value?.Concentric is { Count: <= ConcentricLayout.MaxRings } emojis && emojis.All(e => EmojiError(e) is null) ? emojis : null;

    private static string? EmojiError(Field<string> emoji) =>
        emoji.Value is not { } text ? "must be a string" : Emoji.IsSingleEmoji(text) ? null : "must be a single emoji";

    private static string? NullableText(Field<string> text, Func<string, string?> rule) =>
        text.IsWrongType ? "must be a string or null" : text.Value is { } value ? rule(value) : null;

    private static string? Integer(Field<long> number, long min, long max) =>
        !number.IsSet ? null : number.IsWrongType ? "must be an integer" : PatternRules.RangeError(number.Value, min, max);

    private sealed class PositionedValidator : RequestValidator<PositionedSequenceRequest>
    {
        public PositionedValidator()
        {
            RuleFor(x => x.Emojis).Custom((emojis, context) =>
                context.Fail(!emojis.IsSet ? "is required"
                    : emojis.Value is not { } cells ? "must be an array"
                    // Checked before the cells so that a huge body costs one message.
                    : cells.Count > PatternRules.MaxCells ? $"must have at most {PatternRules.MaxCells} cells"
                    : null));
            // One rule for all cells rather than a child validator per cell: 4096 child validations
            // cost FluentValidation some 30 ms, several times the read of the body itself.
            RuleFor(x => x).Custom((sequence, context) =>
            {
                var cells = sequence.Emojis.Value!;
                for (var i = 0; i < cells.Count; i++)
                {
                    CheckCell(cells[i], $"emojis[{i}]", context);
                }
            }).When(x => x.Emojis.Value is { Count: <= PatternRules.MaxCells });
            RuleFor(x => x.Metadata).Custom((metadata, context) =>
                context.Fail(metadata.Value is { } value ? PatternMetadata.Compact(value).Error : null));
            RuleFor(x => x).Custom(Unknown<PositionedSequenceRequest>(_ => "is not a known field"));
        }
    }

    private static void CheckCell(Field<CellRequest> item, string path, ValidationContext<PositionedSequenceRequest> context)
    {
        if (item.Value is not { } cell)
        {
            context.AddFailure(path, "must be an object with emoji and position");
            return;
        }

        Report(path + ".emoji", !cell.Emoji.IsSet ? "is required" : EmojiError(cell.Emoji));
        Report(path + ".position", !cell.Position.IsSet ? "is required" : cell.Position.Value is null ? "must be an object with row and col" : null);
        if (cell.Position.Value is { } position)
        {
            // Any integers: whether they lie inside the grid is PatternInput.CheckGrid's call, once the size is known.
            Report(path + ".position.row", !position.Row.IsSet ? "is required" : position.Row.IsWrongType ? "must be an integer" : null);
            Report(path + ".position.col", !position.Col.IsSet ? "is required" : position.Col.IsWrongType ? "must be an integer" : null);
            Unknown(position, path + ".position.");
        }

        Unknown(cell, path + ".");

        void Report(string at, string? message)
        {
            if (message is not null)
            {
                context.AddFailure(at, message);
            }
        }

        void Unknown(RequestBody body, string prefix)
        {
            foreach (var name in body.UnknownNames)
            {
                context.AddFailure(prefix + name, "is not a known field");
            }
        }
    }
}

/// <summary>The one free-form JSON value of a pattern, walked once for what jsonb cannot store (NUL, numbers beyond its range).</summary>
internal static class PatternMetadata
{
    // Relaxed escaping keeps metadata text readable in storage; it is never embedded in HTML.
    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (string? Text, string? Error) Compact(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (null, "must be an object");
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, CompactWriter);
            value.WriteTo(writer);
        }
        catch (InvalidOperationException)
        {
            return (null, "contains text that is not valid (an unpaired surrogate)");
        }

        if (buffer.WrittenCount > PatternRules.MaxMetadataBytes)
        {
            return (null, $"must be at most {PatternRules.MaxMetadataBytes} bytes of JSON");
        }

        return FindUnstorable(value) is { } problem ? (null, problem) : (Encoding.UTF8.GetString(buffer.WrittenSpan), null);
    }

    private static string? FindUnstorable(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        return "must not contain NUL characters";
                    }

                    if (FindUnstorable(property.Value) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (FindUnstorable(item) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.String:
                return value.GetString()!.Contains('\0', StringComparison.Ordinal) ? "must not contain NUL characters" : null;
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && double.IsFinite(number) ? null : "contains a number out of range";
            default:
                return null;
        }
    }
}
