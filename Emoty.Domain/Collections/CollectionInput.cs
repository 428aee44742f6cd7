using System.Text.Json;
using System.Text.RegularExpressions;
using Emoty.Domain.Errors;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Collections;

/// <summary>The client-settable fields of a collection; absent fields are not set (partial update).</summary>
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

    private static readonly HashSet<string> ServerFields =
        ["id", "user_id", "pattern_count", "preview_patterns", "created_at", "updated_at", "permission"];

    /// <summary>Parses a create (name required, no version) or update (all optional, version allowed) body.</summary>
    public static CollectionInput Parse(JsonElement body, bool isCreate)
    {
        var errors = new ValidationErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(PatternInput.RootPath, "must be a JSON object");
            errors.ThrowIfAny("The collection is not valid.");
        }

        var input = new CollectionInput();
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "name" when value.ValueKind == JsonValueKind.String:
                    var name = value.GetString()!.Trim();
                    if (PatternRules.TextError(name, 1, MaxNameLength, multiline: false) is { } nameError)
                    {
                        errors.Add("name", nameError);
                    }

                    input = input with { Name = name };
                    break;
                case "description" when value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    var description = value.GetString();
                    if (description is not null && PatternRules.TextError(description, 0, MaxDescriptionLength, multiline: true) is { } descriptionError)
                    {
                        errors.Add("description", descriptionError);
                    }

                    input = input with { Description = description };
                    break;
                case "color" when value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    var color = value.GetString();
                    if (color is not null && !ColorPattern().IsMatch(color))
                    {
                        errors.Add("color", "must be a colour like #1A2B3C");
                    }

                    input = input with { Color = color?.ToUpperInvariant() };
                    break;
                case "is_public" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    input = input with { IsPublic = value.GetBoolean() };
                    break;
                case "parent_id" when value.ValueKind == JsonValueKind.Null:
                    input = input with { ParentId = Optional<Guid?>.Of(null) };
                    break;
                case "parent_id" when value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var parent):
                    input = input with { ParentId = Optional<Guid?>.Of(parent) };
                    break;
                case "version" when !isCreate:
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var version) && version >= 1)
                    {
                        input = input with { Version = version };
                    }
                    else
                    {
                        errors.Add("version", "must be an integer of at least 1");
                    }

                    break;
                case "name" or "description" or "color" or "is_public" or "parent_id":
                    errors.Add(field.Name, field.Name switch
                    {
                        "name" => "must be a string",
                        "is_public" => "must be true or false",
                        "parent_id" => "must be a collection id (UUID) or null",
                        _ => "must be a string or null",
                    });
                    break;
                default:
                    errors.Add(field.Name, ServerFields.Contains(field.Name) || field.Name == "version" ? "is set by the server" : "is not a known field");
                    break;
            }
        }

        if (isCreate && !input.Name.IsSet && !errors.Has("name"))
        {
            errors.Add("name", "is required");
        }

        errors.ThrowIfAny(isCreate ? "The collection is not valid." : "The changes are not valid.");
        return input;
    }

    /// <summary><c>{"pattern_ids":[…]}</c>: 1–500 UUIDs (duplicates allowed on add, refused on reorder).</summary>
    public static IReadOnlyList<Guid> ParsePatternIds(JsonElement body, bool distinct)
    {
        var errors = new ValidationErrors();
        var ids = new List<Guid>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(PatternInput.RootPath, "must be a JSON object with pattern_ids");
        }
        else
        {
            foreach (var field in body.EnumerateObject().Where(f => f.Name != "pattern_ids"))
            {
                errors.Add(field.Name, "is not a known field");
            }

            if (!body.TryGetProperty("pattern_ids", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                errors.Add("pattern_ids", "is required and must be an array of pattern ids");
            }
            else if (list.GetArrayLength() is < 1 or > MaxPatternIds)
            {
                errors.Add("pattern_ids", $"must hold 1 to {MaxPatternIds} ids");
            }
            else
            {
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var id))
                    {
                        if (distinct && ids.Contains(id))
                        {
                            errors.Add($"pattern_ids[{index}]", "is listed twice");
                        }

                        ids.Add(id);
                    }
                    else
                    {
                        errors.Add($"pattern_ids[{index}]", "must be a pattern id (UUID)");
                    }

                    index++;
                }
            }
        }

        errors.ThrowIfAny("The pattern ids are not valid.");
        return ids;
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();
}
