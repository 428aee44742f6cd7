using Dapper;
using Emoty.Admin.Generator;
using Npgsql;

namespace Emoty.Search.Bench;

/// <summary>How often a word is used, as a share of the public patterns that match it.</summary>
public enum Frequency
{
    Rare,
    Mid,
    Common,
}

/// <summary>
/// One kind of search: its query string is drawn afresh for every run (a different word, tag or
/// caller each time), from a generator seeded by the shape's position, so the project, the
/// straightforward SQL and HTTP see the same sequence of searches.
/// </summary>
public sealed record Shape(string Name, bool SignedIn, Func<Workload, Random, string> Draw, int TargetMs = 15);

/// <summary>
/// What the searches are drawn from, read from the seeded database: the generator's vocabulary
/// ranked by use and grouped by how many public patterns each word matches, its tags, palettes,
/// prolific creators and callers who own patterns and have patterns shared with them.
/// </summary>
public sealed class Workload
{
    private readonly string[] _rare;
    private readonly string[] _mid;
    private readonly string[] _common;

    private Workload(string[] rare, string[] mid, string[] common, string mostCommon, string[] palettes, Guid[] creators, Guid[] callers)
    {
        _rare = rare;
        _mid = mid;
        _common = common;
        MostCommonWord = mostCommon;
        Palettes = palettes;
        Creators = creators;
        Callers = callers;
    }

    public string MostCommonWord { get; }
    public string[] Palettes { get; }
    public Guid[] Creators { get; }
    public Guid[] Callers { get; }

    /// <summary>Rare: under 0.1 % of public patterns; common: 1 % or more; mid in between.</summary>
    public static async Task<Workload> ReadAsync(NpgsqlConnection connection)
    {
        var words = Vocabulary.Words.Distinct(StringComparer.Ordinal).ToArray();
        var frequencies = (await connection.QueryAsync<(string Word, double Share)>("""
            WITH stats AS (SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM patterns WHERE is_public AND deleted_at IS NULL')),
                 public_count AS (SELECT count(*)::float8 AS n FROM patterns WHERE is_public AND deleted_at IS NULL)
            SELECT w.word, coalesce(max(s.ndoc), 0) / (SELECT n FROM public_count) AS share
            FROM unnest(@words::text[]) AS w(word)
            LEFT JOIN stats s ON s.word = ANY (tsvector_to_array(to_tsvector('english', w.word)))
            GROUP BY w.word
            """, new { words }, commandTimeout: 600)).ToList();
        string[] Of(Func<double, bool> share) => frequencies.Where(f => f.Share > 0 && share(f.Share)).Select(f => f.Word).Order(StringComparer.Ordinal).ToArray();
        var mostCommon = frequencies.MaxBy(f => f.Share).Word;
        var palettes = (await connection.QueryAsync<string>("SELECT DISTINCT palette_id FROM patterns ORDER BY 1")).ToArray();
        var creators = (await connection.QueryAsync<Guid>("""
            SELECT user_id FROM patterns WHERE is_public AND deleted_at IS NULL GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 50
            """)).ToArray();
        var callers = (await connection.QueryAsync<Guid>("""
            SELECT s.shared_with FROM pattern_shares s
            WHERE EXISTS (SELECT 1 FROM patterns p WHERE p.user_id = s.shared_with AND p.deleted_at IS NULL)
            GROUP BY s.shared_with ORDER BY count(*) DESC, s.shared_with LIMIT 50
            """)).ToArray();
        return new Workload(Of(s => s < 0.001), Of(s => s >= 0.001 && s < 0.01), Of(s => s >= 0.01), mostCommon, palettes, creators, callers);
    }

    public string Summary =>
        $"{_rare.Length} rare, {_mid.Length} mid and {_common.Length} common words (under 0.1 %, to 1 %, 1 % and more of public patterns); most common: {MostCommonWord}";

    /// <summary>A word as people use them: rank drawn with the generator's skew.</summary>
    public static string SkewedWord(Random random) => Vocabulary.Words[Zipfish(random, Vocabulary.Words.Length)];

    public static string SkewedTag(Random random) => Vocabulary.Tags[Zipfish(random, Vocabulary.Tags.Length)];

    public string Word(Random random, Frequency frequency)
    {
        var words = frequency switch { Frequency.Rare => _rare, Frequency.Mid => _mid, _ => _common };
        return words.Length == 0 ? SkewedWord(random) : words[random.Next(words.Length)];
    }

    public static IReadOnlyList<Shape> Shapes()
    {
        static string Q(string text) => "query=" + Uri.EscapeDataString(text);
        var shapes = new List<Shape>
        {
            new("newest first, no words", false, (_, _) => ""),
            new("word, relevance", false, (_, r) => Q(SkewedWord(r))),
            new("rare word, relevance", false, (w, r) => Q(w.Word(r, Frequency.Rare))),
            new("mid word, relevance", false, (w, r) => Q(w.Word(r, Frequency.Mid))),
            new("common word, relevance", false, (w, r) => Q(w.Word(r, Frequency.Common))),
            new("most common word, relevance", false, (w, _) => Q(w.MostCommonWord), TargetMs: 30),
            new("two common words, relevance", false, (w, r) => Q($"{w.Word(r, Frequency.Common)} {w.Word(r, Frequency.Common)}"), TargetMs: 30),
            new("two words, relevance", false, (_, r) => Q($"{SkewedWord(r)} {SkewedWord(r)}")),
            new("phrase, relevance", false, (w, r) => Q($"\"{w.Word(r, Frequency.Common)} {SkewedWord(r)}\"")),
            new("word minus a common word", false, (w, r) => Q($"{SkewedWord(r)} -{w.Word(r, Frequency.Common)}")),
        };
        foreach (var sort in new[] { "created_at", "updated_at", "like_count", "view_count", "name&direction=asc", "difficulty_rating", "complexity_score" })
        {
            shapes.Add(new($"word, sort={sort.Replace("&direction=", " ", StringComparison.Ordinal)}", false, (_, r) => $"{Q(SkewedWord(r))}&sort={sort}"));
        }

        shapes.AddRange(
        [
            new("tag, sort=like_count", false, (_, r) => $"tags={Uri.EscapeDataString(SkewedTag(r))}&sort=like_count"),
            new("two tags", false, (_, r) => $"tags={Uri.EscapeDataString(SkewedTag(r))},{Uri.EscapeDataString(SkewedTag(r))}"),
            new("any of three tags", false, (_, r) => $"any_tags={string.Join(',', Enumerable.Range(0, 3).Select(_ => Uri.EscapeDataString(SkewedTag(r))))}"),
            new("word + tag", false, (_, r) => $"{Q(SkewedWord(r))}&tags={Uri.EscapeDataString(SkewedTag(r))}"),
            new("word + difficulty 2-4", false, (_, r) => $"{Q(SkewedWord(r))}&difficulty_min=2&difficulty_max=4"),
            new("word + complexity >= 5", false, (_, r) => $"{Q(SkewedWord(r))}&complexity_min=5"),
            new("word + size 16-32", false, (_, r) => $"{Q(SkewedWord(r))}&size_min=16&size_max=32"),
            new("word + palette", false, (w, r) => $"{Q(SkewedWord(r))}&palette_id={Uri.EscapeDataString(w.Palettes[r.Next(w.Palettes.Length)])}"),
            new("word + AI-generated", false, (_, r) => $"{Q(SkewedWord(r))}&is_ai_generated=true"),
            new("word + last 180 days", false, (_, r) => $"{Q(SkewedWord(r))}&created_after={Since(180)}"),
            new("word + creator", false, (w, r) => $"{Q(SkewedWord(r))}&user_id={w.Creators[r.Next(w.Creators.Length)]}"),
            new("word + public + difficulty 2-4 + 180 days, sort=like_count", false,
                (_, r) => $"{Q(SkewedWord(r))}&is_public=true&difficulty_min=2&difficulty_max=4&created_after={Since(180)}&sort=like_count"),
            new("signed in: word, relevance", true, (_, r) => Q(SkewedWord(r))),
            new("signed in: word, sort=created_at", true, (_, r) => $"{Q(SkewedWord(r))}&sort=created_at"),
            new("signed in: word, not public", true, (_, r) => $"{Q(SkewedWord(r))}&is_public=false"),
            new("signed in: word, my favourites", true, (_, r) => $"{Q(SkewedWord(r))}&favorited_by_me=true"),
            new("signed in: newest first", true, (_, _) => ""),
            new("word, include=total", false, (_, r) => $"{Q(SkewedWord(r))}&include=total", TargetMs: 50),
            new("word, include=facets", false, (_, r) => $"{Q(SkewedWord(r))}&include=facets", TargetMs: 50),
            new("common word, include=facets", false, (w, r) => $"{Q(w.Word(r, Frequency.Common))}&include=facets", TargetMs: 50),
            new("tag, include=facets", false, (_, r) => $"tags={Uri.EscapeDataString(SkewedTag(r))}&include=facets", TargetMs: 50),
        ]);
        return shapes;
    }

    /// <summary>The searches a client pages through, 50 pages each, timed after the first page.</summary>
    public static IReadOnlyList<(string Name, bool SignedIn, Func<Random, string> Draw)> PagedShapes() =>
    [
        ("next page: sort=like_count", false, _ => "sort=like_count"),
        ("next page: common word, sort=created_at", true, r => $"query={Uri.EscapeDataString(Vocabulary.Words[r.Next(20)])}&sort=created_at"),
        ("next page: word, relevance", false, r => $"query={Uri.EscapeDataString(SkewedWord(r))}"),
    ];

    // The generator's data ends at its reference time; "recent" is relative to that, not to today.
    private static string Since(int days) => Uri.EscapeDataString(RealisticData.ReferenceTime.AddDays(-days).ToString("O"));

    private static int Zipfish(Random random, int n)
    {
        var u = random.NextDouble();
        return (int)(n * (u * u * u));
    }
}
