using System.Text.Json;
using System.Text.RegularExpressions;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;
using FluentValidation;

namespace Emoty.Domain.Collections;

public sealed partial record CollectionInput
{
    public Optional<string> Name { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<string?> Color { get; init; }
    public Optional<bool> IsPublic { get; init; }
    public Optional<Guid?> ParentId { get; init; }
    public int? Version { get; init; }

    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 500;
    public const int MaxPatternIds = 500;

    private static readonly CollectionValidator CreateValidator = new(isCreate: true);
    private static readonly CollectionValidator UpdateValidator = new(isCreate: false);
    private static readonly PatternIdsValidator AddValidator = new(distinct: false);
    private static readonly PatternIdsValidator ReorderValidator = new(distinct: true);

    public static CollectionInput Parse(JsonElement body, bool isCreate)
    {
        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, RequestJsonContext.Default.CollectionRequest, "", "must be a JSON object", errors);
        if (request is not null)
        {
            (isCreate ? CreateValidator : UpdateValidator).Check(request, "", errors);
        }

        errors.ThrowIfAny(isCreate || body.ValueKind != JsonValueKind.Object ? "The collection is not valid." : "The changes are not valid.");
        return new CollectionInput
        {
            Name = request!.Name.IsSet ? request.Name.Value!.Trim() : Optional<string>.Absent,
            Description = request.Description.IsSet ? request.Description.Value : Optional<string?>.Absent,
            Color = request.Color.IsSet ? request.Color.Value?.ToUpperInvariant() : Optional<string?>.Absent,
            IsPublic = request.IsPublic.IsSet ? request.IsPublic.Value : Optional<bool>.Absent,
            ParentId = request.ParentId.IsSet ? request.ParentId.Value is { } parent ? Guid.Parse(parent) : null : Optional<Guid?>.Absent,
            Version = request.Version.IsSet ? request.Version.Value : null,
        };
    }

    /// <summary>Duplicates are allowed on add, refused on reorder (<paramref name="distinct"/>).</summary>
    public static IReadOnlyList<Guid> ParsePatternIds(JsonElement body, bool distinct)
    {
        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, RequestJsonContext.Default.PatternIdsRequest, "", "must be a JSON object with pattern_ids", errors);
        if (request is not null)
        {
            (distinct ? ReorderValidator : AddValidator).Check(request, "", errors);
        }

        errors.ThrowIfAny("The pattern ids are not valid.");
        return [.. request!.PatternIds.Value!.Select(id => Guid.Parse(id.Value!))];
    }

    internal static bool IsColor(string color) => ColorPattern().IsMatch(color);

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();
}

public sealed record CollectionRequest : RequestBody
{
    public Field<string> Name { get; init; }
    public Field<string> Description { get; init; }
    public Field<string> Color { get; init; }
    public Field<bool> IsPublic { get; init; }
    public Field<string> ParentId { get; init; }
    public Field<int> Version { get; init; }
}

public sealed record PatternIdsRequest : RequestBody
{
    public Field<List<Field<string>>> PatternIds { get; init; }
}

internal sealed class CollectionValidator : RequestValidator<CollectionRequest>
{
    private static readonly HashSet<string> ServerFields =
        ["id", "user_id", "pattern_count", "preview_patterns", "created_at", "updated_at", "permission", "version"];

    public CollectionValidator(bool isCreate)
    {
        RuleFor(x => x.Name).Custom((name, context) =>
            context.Fail(!name.IsSet ? (isCreate ? "is required" : null)
                : name.Value is not { } text ? "must be a string"
                : PatternRules.TextError(text.Trim(), 1, CollectionInput.MaxNameLength, multiline: false)));
        RuleFor(x => x.Description).Custom((description, context) =>
            context.Fail(description.IsWrongType ? "must be a string or null"
                : description.Value is { } text ? PatternRules.TextError(text, 0, CollectionInput.MaxDescriptionLength, multiline: true)
                : null));
        RuleFor(x => x.Color).Custom((color, context) =>
            context.Fail(color.IsWrongType ? "must be a string or null"
                : color.Value is { } text && !CollectionInput.IsColor(text) ? "must be a colour like #1A2B3C"
                : null));
        RuleFor(x => x.IsPublic).Custom((isPublic, context) =>
            context.Fail(isPublic.IsWrongType ? "must be true or false" : null));
        RuleFor(x => x.ParentId).Custom((parent, context) =>
            context.Fail(parent.IsWrongType || (parent.Value is { } text && !Guid.TryParse(text, out _))
                ? "must be a collection id (UUID) or null" : null));
        RuleFor(x => x.Version).Custom((version, context) =>
            context.Fail(!version.IsSet ? null
                : isCreate ? "is set by the server"
                : version.IsWrongType || version.Value < 1 ? "must be an integer of at least 1"
                : null));
        RuleFor(x => x).Custom(Unknown<CollectionRequest>(name => ServerFields.Contains(name) ? "is set by the server" : "is not a known field"));
    }
}

internal sealed class PatternIdsValidator : RequestValidator<PatternIdsRequest>
{
    public PatternIdsValidator(bool distinct)
    {
        RuleFor(x => x).Custom(Unknown<PatternIdsRequest>(_ => "is not a known field"));
        RuleFor(x => x.PatternIds).Custom((ids, context) =>
            context.Fail(ids.Value is not { } list ? "is required and must be an array of pattern ids"
                : list.Count is < 1 or > CollectionInput.MaxPatternIds ? $"must hold 1 to {CollectionInput.MaxPatternIds} ids"
                : null));
        RuleFor(x => x).Custom((request, context) =>
        {
            var ids = request.PatternIds.Value!;
            var seen = new HashSet<Guid>();
            for (var i = 0; i < ids.Count; i++)
            {
                if (ids[i].Value is not { } text || !Guid.TryParse(text, out var id))
                {
                    context.AddFailure($"pattern_ids[{i}]", "must be a pattern id (UUID)");
                }
                else if (!seen.Add(id) && distinct)
                {
                    context.AddFailure($"pattern_ids[{i}]", "is listed twice");
                }
            }
        }).When(x => x.PatternIds.Value is { Count: >= 1 and <= CollectionInput.MaxPatternIds });
    }
}
