using System.Globalization;
using Emoty.Admin.Generator;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// The generator's realistic data (skewed words and tags, heavy-tailed likes), shared by every plan
/// test, with the words of its public patterns ranked by how many they match.
/// </summary>
public sealed class SeededPatterns : IAsyncLifetime
{
    /// <summary>Small enough for CI; the benchmark runs the same shapes at a million.</summary>
    public const int Patterns = 40_000;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Lexemes of public patterns, most matched first, with their share of public patterns.</summary>
    public IReadOnlyList<(string Word, double Share)> Words { get; private set; } = [];

    /// <summary>A signed-in caller who owns patterns and has patterns shared with them.</summary>
    public Guid Caller { get; private set; }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServices.CreateDatabaseAsync("plans");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await RealisticData.SeedAsync(connection, Patterns, seed: 7, progress: null, CancellationToken.None);
        Words = (await connection.QueryAsync<(string, double)>("""
            SELECT word, ndoc::float8 / (SELECT count(*) FROM patterns WHERE is_public AND deleted_at IS NULL)
            FROM ts_stat('SELECT search_vector FROM patterns WHERE is_public AND deleted_at IS NULL')
            WHERE word ~ '^[a-z]+$' ORDER BY ndoc DESC, word
            """)).ToList();
        Caller = await connection.ExecuteScalarAsync<Guid>("""
            SELECT s.shared_with FROM pattern_shares s
            WHERE EXISTS (SELECT 1 FROM patterns p WHERE p.user_id = s.shared_with AND p.deleted_at IS NULL)
            GROUP BY s.shared_with ORDER BY count(*) DESC, s.shared_with LIMIT 1
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class SearchPlanTests(SeededPatterns seeded) : IClassFixture<SeededPatterns>
{
    private static readonly string[] Shapes =
    [
        "", "sort=updated_at", "sort=like_count", "sort=view_count", "sort=name&direction=asc", "sort=difficulty_rating",
        "sort=complexity_score&direction=asc", "query={common}", "query={rare}", "query={common}&sort=created_at",
        "query=%22{common} {mid}%22 -{rare}", "query={common} -{mid}", "query={common} {common2}", "query={mid}&direction=asc",
        "tags=pixel-art", "tags=pixel-art,cute", "any_tags=pixel-art,cute,love", "query={mid}&tags=cute",
        "parent_pattern_id=00000000-0000-4000-8000-000000000020", "palette_id=pastel",
        "query={common}&difficulty_min=2&difficulty_max=3", "query={mid}&complexity_min=9.5", "size_min=20&size_max=32",
        "size_max=2", "is_public=true", "query={common}&is_ai_generated=true",
        "query={rare}&created_after=2026-01-01T00:00:00Z&created_before=2030-01-01T00:00:00Z",
        "query={common}&tags=cute&difficulty_min=2&sort=like_count", "offset=500&sort=name&direction=asc", "limit=100&sort=view_count",
    ];

    public static TheoryData<string, bool> Searches()
    {
        var data = new TheoryData<string, bool>();
        foreach (var shape in Shapes)
        {
            data.Add(shape, false);
            data.Add(shape, true);
        }

        data.Add("favorited_by_me=true", true);
        data.Add("query={common}&favorited_by_me=true", true);
        data.Add("is_public=false", true);
        data.Add("favorited_by_me=false&sort=like_count", true);
        return data;
    }

    /// <summary>The seed drops the loaded tables' secondary indexes for its COPY and builds them afterwards: all of them, as migrated.</summary>
    [Fact]
    public async Task the_seeded_database_has_every_index_a_migrated_one_has()
    {
        const string Indexes = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname";
        await using var migrated = new NpgsqlConnection(await TestServices.CreateDatabaseAsync("migrated"));
        await using var seededDatabase = new NpgsqlConnection(seeded.ConnectionString);

        var expected = (await migrated.QueryAsync<(string, string)>(Indexes)).ToList();
        var actual = await seededDatabase.QueryAsync<(string, string)>(Indexes);

        Assert.True(expected.Count > 40, $"{expected.Count} indexes in a migrated database");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task no_search_statement_reads_the_patterns_table_sequentially(string shape, bool signedIn)
    {
        var query = Query(shape + "&include=total,facets");
        foreach (var cursor in new[] { false, true })
        {
            // From a cursor too: the keyset predicate must be served by the same index.
            var search = cursor && query.Offset is null
                ? query with { Cursor = SearchCursor.After(query, SampleValue(query.Sort), Guid.NewGuid()) }
                : query;
            foreach (var (name, plan) in await PlansAsync(search, signedIn ? seeded.Caller : null, analyze: false))
            {
                var scans = Nodes(plan).Where(n => Text(n, "Node Type") == "Seq Scan" && Text(n, "Relation Name") is "patterns" or "pattern_name_terms").ToList();
                Assert.True(scans.Count == 0, $"{name} statement of '{shape}' (signed in: {signedIn}, cursor: {cursor}) reads patterns sequentially:\n{plan}");
            }
        }
    }

    /// <summary>
    /// What a page costs must not follow how common its word is: the most common word and a word
    /// matched by a handful of patterns read about the same number of pages. A bitmap of every
    /// match (cost grows with the word) or a walk of the sort index for a rare word (cost grows with
    /// the table) both blow the bound: the window walked, and what a rare word's matches take.
    /// </summary>
    [Theory]
    [InlineData("query={word}", false)]
    [InlineData("query={word}", true)]
    [InlineData("query={word}&sort=created_at", false)]
    [InlineData("query={word}&sort=like_count", true)]
    [InlineData("query={word}&difficulty_min=2&difficulty_max=4", false)]
    [InlineData("query={word} {common}", false)]
    // A selective filter meets the word inside the index: only rows matching both reach the heap.
    [InlineData("query={word}&is_ai_generated=true", false)]
    [InlineData("query={word}&size_min=16&size_max=32", false)]
    // Ranges are tested on the likes index's entries by the window's walk: the last 180 days of the
    // generator's data (the most liked patterns are old), and its last day, which a walk of the likes
    // index would read from end to end to find.
    [InlineData("query={word}&created_after=2026-05-05T00:00:00Z", false)]
    [InlineData("query={word}&created_after=2026-10-31T00:00:00Z", false)]
    [InlineData("query={word}&difficulty_min=4&complexity_min=5", false)]
    public async Task the_pages_a_search_reads_do_not_grow_with_how_common_its_word_is(string shape, bool signedIn)
    {
        var ranks = new[] { 0, 1, 5, 20, 100, 300, 600, 1000, seeded.Words.Count / 2, seeded.Words.Count - 1 };
        var costs = new List<(string Word, double Share, long Pages)>();
        foreach (var rank in ranks.Where(r => r < seeded.Words.Count).Distinct())
        {
            var (word, share) = seeded.Words[rank];
            var query = Query(shape.Replace("{word}", word, StringComparison.Ordinal));
            long pages = 0;
            foreach (var (name, plan) in await PlansAsync(query, signedIn ? seeded.Caller : null, analyze: true))
            {
                if (name is not ("window" or "planned"))
                {
                    break;
                }

                var root = plan[0].GetProperty("Plan");
                pages += root.GetProperty("Shared Hit Blocks").GetInt64() + root.GetProperty("Shared Read Blocks").GetInt64();
                // The store runs the planned statement only when the window came up short.
                if (name == "window" && root.GetProperty("Actual Rows").GetDouble() >= query.Limit + 1)
                {
                    break;
                }
            }

            costs.Add((word, share, pages));
        }

        // The window reads at most about one page per row; a rare word's matches fewer than that.
        const long Bound = 2 * 2000 + 1500;
        var report = string.Join("\n", costs.Select(c => $"  {c.Word,-16} {c.Share,8:P3} {c.Pages,7:N0} pages"));
        Assert.True(costs.All(c => c.Pages <= Bound), $"'{shape}' read more than {Bound:N0} pages for some words:\n{report}");
    }

    /// <summary>
    /// A window that cannot expect a page from the shares ANALYZE measured is not walked (a rare word's 2,000 rows of the sort index
    /// were read for a handful of hits, then the planned statement read them again); one for the most common word or tag is.
    /// </summary>
    [Theory]
    [InlineData("query={word}&sort=created_at")]
    [InlineData("query={word}&sort=complexity_score")]
    [InlineData("query={word}&sort=like_count&created_after=2026-05-05T00:00:00Z")]
    [InlineData("tags={tag}&sort=like_count")]
    public async Task a_window_walks_only_when_its_word_or_tag_can_fill_a_page(string shape)
    {
        await using var connection = new NpgsqlConnection(seeded.ConnectionString);
        var tags = (await connection.QueryAsync<string>("""
            SELECT tag FROM patterns, unnest(tags) AS tag WHERE is_public AND deleted_at IS NULL GROUP BY tag ORDER BY count(*) DESC, tag
            """)).ToList();
        foreach (var (word, tag, walks) in new[] { (seeded.Words[0].Word, tags[0], true), (seeded.Words[^1].Word, tags[^1], false) })
        {
            var search = shape.Replace("{word}", word, StringComparison.Ordinal).Replace("{tag}", Uri.EscapeDataString(tag), StringComparison.Ordinal);
            var (_, window) = (await PlansAsync(Query(search), caller: null, analyze: true)).First(p => p.Name == "window");
            var walk = Nodes(window).Single(n => Text(n, "Relation Name") == "patterns" && Text(n, "Node Type") is { } type && type.Contains("Index Scan", StringComparison.Ordinal));
            Assert.True(walk.GetProperty("Actual Loops").GetInt32() > 0 == walks, $"'{search}': the window {(walks ? "did not walk" : "walked")}:\n{window}");
        }
    }

    /// <summary>
    /// Windows, the walk after a window and the planned statements are shortcuts to what one plain ordered query returns: every
    /// public match in sort order. Whichever of them answers (it depends on how common the word is and on the filter), the first
    /// two pages must be that query's first forty rows.
    /// </summary>
    [Theory]
    [InlineData("", "true")]
    [InlineData("&created_after=2026-05-05T00:00:00Z", "p.created_at > '2026-05-05T00:00:00Z'")]
    [InlineData("&difficulty_min=2&difficulty_max=4", "p.difficulty_rating BETWEEN 2 AND 4")]
    [InlineData("&complexity_min=5", "p.complexity_score >= 5")]
    [InlineData("&size_min=16&size_max=32", "p.size BETWEEN 16 AND 32")]
    [InlineData("&is_ai_generated=true", "p.is_ai_generated")]
    [InlineData("&tags=cute", "p.tags @> '{cute}'")]
    [InlineData("&sort=like_count&created_after=2026-05-05T00:00:00Z", "p.created_at > '2026-05-05T00:00:00Z'", "p.like_count DESC, p.id DESC")]
    // The other sort keys walk their own index, and a window there walks on after its last hit too.
    [InlineData("&sort=created_at", "true", "p.created_at DESC, p.id DESC")]
    [InlineData("&sort=name&direction=asc", "true", "p.name COLLATE \"C\" ASC, p.id ASC")]
    [InlineData("&sort=complexity_score&difficulty_min=3", "p.difficulty_rating >= 3", "p.complexity_score DESC, p.id DESC")]
    public async Task every_path_of_the_store_returns_what_one_plain_ordered_query_returns(string filters, string sqlFilter, string? sqlOrder = null)
    {
        await using var database = PostgresSetup.CreateDataSource(seeded.ConnectionString);
        var store = new PatternSearchStore(database, TestCursors.Signer);
        await using var connection = await database.OpenConnectionAsync();
        var order = sqlOrder ?? RelevanceOrder;
        var ranks = new[] { 0, 1, 2, 5, 10, 20, 50, 100, 200, 300, 600, 1000, seeded.Words.Count / 2, seeded.Words.Count - 1 };
        foreach (var rank in ranks.Where(r => r < seeded.Words.Count).Distinct())
        {
            await AssertFirstPagesAreThePlainQuerysAsync(store, connection, seeded.Words[rank].Word, filters, sqlFilter, order, $"word rank {rank}");
        }
    }

    /// <summary>
    /// Two words and two-word phrases take the name terms' merge (and a phrase a check of the name) for their name class; the first
    /// two pages must still be the plain query's, for words that often share a name and for words that never do.
    /// </summary>
    [Theory]
    [InlineData("{0} {1}", "")]
    [InlineData("\"{0} {1}\"", "")]
    [InlineData("{0} {1}", "&difficulty_min=2&difficulty_max=4")]
    [InlineData("\"{0} {1}\"", "&size_max=16")]
    public async Task two_words_and_phrases_return_what_one_plain_ordered_query_returns(string text, string filters)
    {
        await using var database = PostgresSetup.CreateDataSource(seeded.ConnectionString);
        var store = new PatternSearchStore(database, TestCursors.Signer);
        await using var connection = await database.OpenConnectionAsync();
        // The first two words of the most liked names, in their order and reversed (two lexemes: no stop word, not one stem), then
        // pairs of words by frequency.
        var pairs = (await connection.QueryAsync<(string, string)>("""
            SELECT lower(split_part(name, ' ', 1)), lower(split_part(name, ' ', 2)) FROM patterns
            WHERE is_public AND deleted_at IS NULL AND name ~ '^[A-Za-z]+ [A-Za-z]+'
              AND cardinality(tsvector_to_array(to_tsvector('english', split_part(name, ' ', 1) || ' ' || split_part(name, ' ', 2)))) = 2
            ORDER BY like_count DESC, id LIMIT 3
            """)).SelectMany(p => new[] { p, (p.Item2, p.Item1) }).ToList();
        var words = seeded.Words;
        pairs.AddRange([(words[0].Word, words[1].Word), (words[1].Word, words[words.Count / 4].Word), (words[words.Count / 4].Word, words[^1].Word)]);

        // The two words with the most name entries, both past the probe's 1,000, take the merge; a pair with a rare word, the probe.
        var commonest = (await connection.QueryAsync<string>(
            "SELECT lexeme FROM pattern_name_terms GROUP BY lexeme HAVING count(*) >= 1000 ORDER BY count(*) DESC LIMIT 2")).ToList();
        Assert.Equal(2, commonest.Count);
        pairs.Add((commonest[0], commonest[1]));
        var sqlFilter = filters switch
        {
            "" => "true",
            "&size_max=16" => "p.size <= 16",
            _ => "p.difficulty_rating BETWEEN 2 AND 4",
        };
        foreach (var (first, second) in pairs)
        {
            var query = string.Format(CultureInfo.InvariantCulture, text, first, second);
            await AssertFirstPagesAreThePlainQuerysAsync(store, connection, query, filters, sqlFilter, RelevanceOrder, $"'{first}', '{second}'");

            await AssertTheNameTermsAnswerAsync(connection, query, filters);
        }
    }

    /// <summary>
    /// One word and a word it excludes take the word's name entries, each checked on its pattern; the first two pages must still be the
    /// plain query's, for excluded words common and rare, and where the other paths answer (two exclusions, one of the word's own stem).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("&difficulty_min=2&difficulty_max=4")]
    public async Task a_word_with_exclusions_returns_what_one_plain_ordered_query_returns(string filters)
    {
        await using var database = PostgresSetup.CreateDataSource(seeded.ConnectionString);
        var store = new PatternSearchStore(database, TestCursors.Signer);
        await using var connection = await database.OpenConnectionAsync();
        var words = seeded.Words.Select(w => w.Word).ToList();
        var (common, mid, rare) = (words[0], words[words.Count / 4], words[^1]);
        var sqlFilter = filters.Length == 0 ? "true" : "p.difficulty_rating BETWEEN 2 AND 4";
        foreach (var query in new[] { $"{common} -{words[1]}", $"{words[1]} -{common}", $"{mid} -{common}", $"{rare} -{mid}" })
        {
            await AssertFirstPagesAreThePlainQuerysAsync(store, connection, query, filters, sqlFilter, RelevanceOrder, $"'{query}'");

            await AssertTheNameTermsAnswerAsync(connection, query, filters);
        }

        // Not from the terms: two exclusions, and one of the word's own stem.
        await AssertFirstPagesAreThePlainQuerysAsync(store, connection, $"{common} -{mid} -{words[2]}", filters, sqlFilter, RelevanceOrder, "two exclusions");
        await AssertFirstPagesAreThePlainQuerysAsync(store, connection, $"{common} -{common}", filters, sqlFilter, RelevanceOrder, "its own stem");
    }

    /// <summary>The name class did come from the terms: their statement runs first and answers (a row of nulls hands over to the GIN paths).</summary>
    private async Task AssertTheNameTermsAnswerAsync(NpgsqlConnection connection, string query, string filters)
    {
        var (name, sql, settings, parameters) = PatternSearchStore.StatementsFor(Query($"query={Uri.EscapeDataString(query)}{filters}"), null).First();
        Assert.Equal("window", name);
        Assert.Contains("FROM pattern_name_terms t", sql);
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(PatternSearchStore.PlannerSettings + settings, transaction: transaction);
        Assert.False((await connection.QueryAsync<Guid?>(sql, parameters, transaction)).Contains(null), $"'{query}' handed over to the GIN paths");
    }

    private const string RelevanceOrder = """
        CASE WHEN p.search_vector @@ emoty_tsquery_in_weights(q, 'A') THEN 3
             WHEN p.search_vector @@ emoty_tsquery_in_weights(q, 'AB') THEN 2 ELSE 1 END DESC, p.like_count DESC, p.id DESC
        """;

    private async Task AssertFirstPagesAreThePlainQuerysAsync(
        PatternSearchStore store, NpgsqlConnection connection, string text, string filters, string sqlFilter, string order, string what)
    {
        var expected = (await connection.QueryAsync<Guid>($"""
            SELECT p.id FROM patterns p, websearch_to_tsquery('english', @text) AS q
            WHERE p.is_public AND p.deleted_at IS NULL AND p.search_vector @@ q AND {sqlFilter}
            ORDER BY {order} LIMIT 40
            """, new { text })).ToList();
        var shape = $"query={Uri.EscapeDataString(text)}{filters}";
        var first = await store.SearchAsync(Query(shape), caller: null, CancellationToken.None);
        var actual = first.Data.Select(p => p.Id).ToList();
        if (first.NextCursor is { } cursor)
        {
            var second = await store.SearchAsync(Query($"{shape}&cursor={Uri.EscapeDataString(cursor)}"), caller: null, CancellationToken.None);
            actual.AddRange(second.Data.Select(p => p.Id));
        }

        Assert.True(expected.SequenceEqual(actual), $"'{shape}' ({what}) returned {actual.Count} rows that differ from the plain query's {expected.Count}");
    }

    [Theory]
    [InlineData("query={common}")]
    [InlineData("query={mid}&include=total,facets")]
    [InlineData("sort=like_count")]
    [InlineData("query={common} {common2}")]
    public async Task a_search_leaves_no_transaction_and_no_planner_setting_on_its_connection(string shape)
    {
        // One physical connection: the next one opened is the one the search gave back.
        await using var database = PostgresSetup.CreateDataSource(seeded.ConnectionString + ";Maximum Pool Size=1");
        var store = new PatternSearchStore(database, TestCursors.Signer);
        await store.SearchAsync(Query(shape), seeded.Caller, CancellationToken.None);

        await using var connection = await database.OpenConnectionAsync();
        var (seqscan, jit, readOnly, nestloop) = await connection.QuerySingleAsync<(string, string, string, string)>(
            "SELECT current_setting('enable_seqscan'), current_setting('jit'), current_setting('transaction_read_only'), current_setting('enable_nestloop')");
        Assert.Equal(("on", "on", "off", "on"), (seqscan, jit, readOnly, nestloop));
        // A savepoint needs a transaction block: refused, none is open.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("SAVEPOINT probe"));
        Assert.Equal(PostgresErrorCodes.NoActiveSqlTransaction, refused.SqlState);
    }

    private PatternSearchQuery Query(string shape)
    {
        var text = shape
            .Replace("{common2}", seeded.Words[3].Word, StringComparison.Ordinal)
            .Replace("{common}", seeded.Words[1].Word, StringComparison.Ordinal)
            .Replace("{mid}", seeded.Words[seeded.Words.Count / 4].Word, StringComparison.Ordinal)
            .Replace("{rare}", seeded.Words[^1].Word, StringComparison.Ordinal);
        return TestCursors.Search(text);
    }

    /// <summary>The store's statements for <paramref name="query"/>, explained in a search transaction, in the order it runs them.</summary>
    private async Task<List<(string Name, JsonElement Plan)>> PlansAsync(PatternSearchQuery query, Guid? caller, bool analyze)
    {
        DapperSetup.Configure();
        await using var connection = new NpgsqlConnection(seeded.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(PatternSearchStore.PlannerSettings, transaction: transaction);
        var plans = new List<(string, JsonElement)>();
        foreach (var (name, sql, settings, parameters) in PatternSearchStore.StatementsFor(query, caller))
        {
            // A statement's own settings last until the savepoint is rolled back, as the store undoes them after it.
            await connection.ExecuteAsync($"SAVEPOINT statement; {settings}", transaction: transaction);
            var options = analyze ? "ANALYZE, BUFFERS, " : "";
            var json = await connection.QueryAsync<string>($"EXPLAIN ({options}FORMAT JSON) {sql}", parameters, transaction);
            plans.Add((name, JsonDocument.Parse(json.Last()).RootElement.Clone()));
            await connection.ExecuteAsync("ROLLBACK TO SAVEPOINT statement", transaction: transaction);
        }

        return plans;
    }

    private static object SampleValue(PatternSort sort) => sort switch
    {
        PatternSort.CreatedAt or PatternSort.UpdatedAt => new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero),
        PatternSort.LikeCount or PatternSort.ViewCount => 25L,
        PatternSort.DifficultyRating => (short)3,
        PatternSort.ComplexityScore => 5.5m,
        PatternSort.Name => "Ocean",
        _ => (3L << PatternSearchStore.RelevanceClassShift) + 2,
    };

    private static string? Text(JsonElement node, string property) =>
        node.TryGetProperty(property, out var value) ? value.GetString() : null;

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            return node.EnumerateArray().SelectMany(Nodes);
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return new[] { node }.Concat(node.EnumerateObject().SelectMany(p => Nodes(p.Value)));
    }
}
