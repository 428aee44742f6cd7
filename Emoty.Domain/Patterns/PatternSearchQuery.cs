using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Emoty.Domain.Paging;

namespace Emoty.Domain.Patterns;

public enum PatternSort
{
    Relevance,
    CreatedAt,
    UpdatedAt,
    LikeCount,
    ViewCount,
    Name,
    DifficultyRating,
    ComplexityScore,
}

/// <summary>Parsed strictly: a bad or unknown parameter is a 400 naming it, never silently ignored.</summary>
public sealed partial record PatternSearchQuery
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxOffset = 10_000;
    public const int MaxQueryLength = 200;
    public const int MaxTagFilters = 20;
    public const decimal MaxComplexity = PatternMetrics.MaxComplexity;

    internal const string Detail = "The search parameters are not valid.";

    private static readonly FrozenDictionary<string, PatternSort> Sorts = new Dictionary<string, PatternSort>(StringComparer.Ordinal)
    {
        ["relevance"] = PatternSort.Relevance,
        ["created_at"] = PatternSort.CreatedAt,
        ["updated_at"] = PatternSort.UpdatedAt,
        ["like_count"] = PatternSort.LikeCount,
        ["view_count"] = PatternSort.ViewCount,
        ["name"] = PatternSort.Name,
        ["difficulty_rating"] = PatternSort.DifficultyRating,
        ["complexity_score"] = PatternSort.ComplexityScore,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IReadOnlySet<string> KnownParameters { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "query", "tags", "any_tags", "user_id", "parent_pattern_id", "palette_id", "difficulty_min", "difficulty_max",
        "complexity_min", "complexity_max", "size_min", "size_max", "is_public", "is_ai_generated",
        "favorited_by_me", "created_after", "created_before", "sort", "direction", "limit", "cursor",
        "offset", "include");

    public string? Query { get; init; }

    /// <summary>All must match.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>At least one must match.</summary>
    public IReadOnlyList<string> AnyTags { get; init; } = [];

    public Guid? UserId { get; init; }

    public Guid? ParentPatternId { get; init; }

    public string? PaletteId { get; init; }
    public int? DifficultyMin { get; init; }
    public int? DifficultyMax { get; init; }
    public decimal? ComplexityMin { get; init; }
    public decimal? ComplexityMax { get; init; }
    public int? SizeMin { get; init; }
    public int? SizeMax { get; init; }
    public bool? IsPublic { get; init; }
    public bool? IsAiGenerated { get; init; }
    public bool? FavoritedByMe { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    public DateTimeOffset? CreatedBefore { get; init; }

    public PatternSort Sort { get; init; } = PatternSort.CreatedAt;

    public bool Descending { get; init; } = true;
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Already checked to belong to this search.</summary>
    public SearchCursor? Cursor { get; init; }

    public int? Offset { get; init; }
    public bool IncludeTotal { get; init; }
    public bool IncludeFacets { get; init; }

    public static string SortName(PatternSort sort) => sort switch
    {
        PatternSort.Relevance => "relevance",
        PatternSort.CreatedAt => "created_at",
        PatternSort.UpdatedAt => "updated_at",
        PatternSort.LikeCount => "like_count",
        PatternSort.ViewCount => "view_count",
        PatternSort.Name => "name",
        PatternSort.DifficultyRating => "difficulty_rating",
        PatternSort.ComplexityScore => "complexity_score",
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Unknown sort."),
    };

    /// <summary>Of everything that decides which rows match (not sort, paging or include), so a cursor can tell it is replayed against other filters.</summary>
    public ulong FilterFingerprint
    {
        get
        {
            var text = new StringBuilder(128);
            Append("query", Query);
            Append("tags", string.Join(',', Tags.Order(StringComparer.Ordinal)));
            Append("any_tags", string.Join(',', AnyTags.Order(StringComparer.Ordinal)));
            Append("user_id", UserId?.ToString("D"));
            Append("parent_pattern_id", ParentPatternId?.ToString("D"));
            Append("palette_id", PaletteId);
            Append("difficulty", $"{DifficultyMin}..{DifficultyMax}");
            // G29 drops trailing zeros, so complexity_min=2.5 and 2.50 are the same search.
            Append("complexity", $"{ComplexityMin?.ToString("G29", CultureInfo.InvariantCulture)}..{ComplexityMax?.ToString("G29", CultureInfo.InvariantCulture)}");
            Append("size", $"{SizeMin}..{SizeMax}");
            Append("flags", $"{IsPublic}|{IsAiGenerated}|{FavoritedByMe}");
            Append("created", $"{CreatedAfter?.UtcTicks}..{CreatedBefore?.UtcTicks}");
            return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));

            // Lengths make the encoding unambiguous whatever the values contain.
            void Append(string key, string? value) =>
                text.Append(CultureInfo.InvariantCulture, $"{key}:{value?.Length ?? -1}:{value};");
        }
    }

    /// <summary>All problems are reported together, each at its parameter's name.</summary>
    public static PatternSearchQuery Parse(IEnumerable<KeyValuePair<string, string?>> parameters, CursorSigner cursors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(cursors);
        var errors = new ValidationErrors();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (name, value) in parameters)
        {
            if (!KnownParameters.Contains(name))
            {
                unknown.Add(name);
                errors.Add(name, "is not a known parameter");
            }
            else if (!values.TryAdd(name, value ?? ""))
            {
                errors.Add(name, "is given more than once");
            }
        }

        var reader = new Reader(values, errors);
        var query = reader.Text("query", MaxQueryLength);
        var sortGiven = reader.Choice("sort", Sorts, out var sort);
        if (!sortGiven)
        {
            sort = query is null ? PatternSort.CreatedAt : PatternSort.Relevance;
        }
        else if (sort == PatternSort.Relevance && query is null && !errors.Has("query"))
        {
            errors.Add("sort", "relevance needs a query");
        }

        var result = new PatternSearchQuery
        {
            Query = query,
            Tags = reader.TagList("tags"),
            AnyTags = reader.TagList("any_tags"),
            UserId = reader.Uuid("user_id"),
            ParentPatternId = reader.Uuid("parent_pattern_id"),
            PaletteId = reader.PaletteId("palette_id"),
            DifficultyMin = reader.Int("difficulty_min", PatternRules.MinDifficulty, PatternRules.MaxDifficulty),
            DifficultyMax = reader.Int("difficulty_max", PatternRules.MinDifficulty, PatternRules.MaxDifficulty),
            ComplexityMin = reader.Decimal("complexity_min", 0m, MaxComplexity),
            ComplexityMax = reader.Decimal("complexity_max", 0m, MaxComplexity),
            SizeMin = reader.Int("size_min", PatternRules.MinSize, PatternRules.MaxSize),
            SizeMax = reader.Int("size_max", PatternRules.MinSize, PatternRules.MaxSize),
            IsPublic = reader.Bool("is_public"),
            IsAiGenerated = reader.Bool("is_ai_generated"),
            FavoritedByMe = reader.Bool("favorited_by_me"),
            CreatedAfter = reader.Timestamp("created_after"),
            CreatedBefore = reader.Timestamp("created_before"),
            Sort = sort,
            Descending = !reader.Choice("direction", Directions, out var descending) || descending,
            Limit = reader.Int("limit", 1, MaxLimit) ?? DefaultLimit,
            Offset = reader.Int("offset", 0, MaxOffset),
        };

        var include = reader.Include("include");
        result = result with { IncludeTotal = include.Total, IncludeFacets = include.Facets };

        CheckOrder(errors, "difficulty_min", result.DifficultyMin, "difficulty_max", result.DifficultyMax);
        CheckOrder(errors, "complexity_min", result.ComplexityMin, "complexity_max", result.ComplexityMax);
        CheckOrder(errors, "size_min", result.SizeMin, "size_max", result.SizeMax);
        CheckOrder(errors, "created_after", result.CreatedAfter, "created_before", result.CreatedBefore);

        if (values.TryGetValue("cursor", out var cursorText))
        {
            if (values.ContainsKey("offset"))
            {
                errors.Add("offset", "cannot be combined with cursor");
            }

            if (!SearchCursor.TryDecode(cursorText, cursors, out var cursor))
            {
                errors.Add("cursor", "is not a valid cursor");
            }
            else if (!errors.Any)
            {
                // Only comparable when the rest parsed; otherwise the other errors say what to fix first.
                if (cursor.Sort != result.Sort || cursor.Descending != result.Descending
                    || cursor.FilterFingerprint != result.FilterFingerprint)
                {
                    errors.Add("cursor", "belongs to a different search (its filters, sort or direction have changed)");
                }
                else
                {
                    result = result with { Cursor = cursor };
                }
            }
        }

        var detail = unknown.Count == 0
            ? Detail
            : $"{Detail} Unknown parameters are not ignored: {string.Join(", ", unknown.Take(10).Select(Shorten))}{(unknown.Count > 10 ? ", …" : "")}.";
        errors.ThrowIfAny(detail);
        return result;
    }

    private static readonly FrozenDictionary<string, bool> Directions =
        new Dictionary<string, bool>(StringComparer.Ordinal) { ["asc"] = false, ["desc"] = true }.ToFrozenDictionary(StringComparer.Ordinal);

    private static void CheckOrder<T>(ValidationErrors errors, string minName, T? min, string maxName, T? max)
        where T : struct, IComparable<T>
    {
        if (min is { } low && max is { } high && low.CompareTo(high) > 0)
        {
            errors.Add(minName, $"must not be greater than {maxName}");
        }
    }

    // RFC 3339: date, 'T', time with optional fraction (.NET keeps 7 digits), and a mandatory offset.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    private sealed class Reader(Dictionary<string, string> values, ValidationErrors errors)
    {
        public string? Text(string name, int max)
        {
            if (!values.TryGetValue(name, out var raw) || raw.Trim() is not { Length: > 0 } text)
            {
                return null; // blank search boxes are common; an empty query means no query
            }

            return Check(name, PatternRules.TextError(text, 1, max, multiline: false)) ? text : null;
        }

        public string? PaletteId(string name) =>
            values.TryGetValue(name, out var raw) && Check(name, PatternRules.PaletteIdError(raw)) ? raw : null;

        public IReadOnlyList<string> TagList(string name)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return [];
            }

            var tags = new List<string>();
            foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tag = PatternRules.NormalizeTag(part);
                if (PatternRules.TagError(tag) is { } error)
                {
                    errors.Add(name, $"'{Shorten(part)}' {error}");
                }
                else if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag);
                }
            }

            if (tags.Count > MaxTagFilters)
            {
                errors.Add(name, $"must list at most {MaxTagFilters} tags");
            }

            return tags;
        }

        public Guid? Uuid(string name)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return null;
            }

            if (Guid.TryParseExact(raw, "D", out var id))
            {
                return id;
            }

            errors.Add(name, "must be a UUID");
            return null;
        }

        public int? Int(string name, int min, int max)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return null;
            }

            if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                errors.Add(name, "must be an integer");
                return null;
            }

            return Check(name, PatternRules.RangeError(number, min, max)) ? (int)number : null;
        }

        public decimal? Decimal(string name, decimal min, decimal max)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return null;
            }

            if (!decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                errors.Add(name, "must be a decimal number");
                return null;
            }

            return Check(name, number < min || number > max ? $"must be between {min} and {max}" : null) ? number : null;
        }

        public bool? Bool(string name)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return null;
            }

            switch (raw)
            {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    errors.Add(name, "must be true or false");
                    return null;
            }
        }

        public DateTimeOffset? Timestamp(string name)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return null;
            }

            if (Rfc3339().IsMatch(raw) && DateTimeOffset.TryParseExact(raw, TimestampFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var when))
            {
                return when;
            }

            errors.Add(name, "must be an ISO-8601 timestamp with an offset, like 2026-11-25T09:51:51Z");
            return null;
        }

        public bool Choice<T>(string name, FrozenDictionary<string, T> choices, out T choice)
        {
            choice = default!;
            if (!values.TryGetValue(name, out var raw))
            {
                return false;
            }

            if (choices.TryGetValue(raw, out choice!))
            {
                return true;
            }

            errors.Add(name, $"must be one of {string.Join(", ", choices.Keys.Order(StringComparer.Ordinal))}");
            return false;
        }

        public (bool Total, bool Facets) Include(string name)
        {
            if (!values.TryGetValue(name, out var raw))
            {
                return (false, false);
            }

            bool total = false, facets = false;
            foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                switch (part)
                {
                    case "total":
                        total = true;
                        break;
                    case "facets":
                        facets = true;
                        break;
                    default:
                        errors.Add(name, $"'{Shorten(part)}' is not one of total, facets");
                        break;
                }
            }

            return (total, facets);
        }

        private bool Check(string name, string? error)
        {
            if (error is not null)
            {
                errors.Add(name, error);
            }

            return error is null;
        }
    }

    // Echoing a client's value back is useful, echoing a megabyte of it is not.
    private static string Shorten(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");
}
