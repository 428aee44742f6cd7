using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Tests.Search;

/// <summary>
/// pattern_name_terms (migrations 0019, 0020) is what relevance reads the name class from, so after any write it must hold exactly the
/// words of every listed pattern's name at its like count and filter values: a row too many shows a pattern that is private or gone,
/// a row missing hides one, a stale like count puts it on the wrong page, a stale size, rating or tag signature lets a filter pass it
/// or drop it.
/// </summary>
public sealed class NameTermsTests
{
    private const string Differences = """
        SELECT count(*) FROM (
            (SELECT lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated, created_at,
                    tag_signature, palette_signature FROM pattern_name_terms
             EXCEPT ALL
             SELECT l.lexeme, p.like_count, p.id, p.difficulty_rating, p.complexity_score, p.size, p.is_ai_generated, p.created_at,
                    emoty_signature(p.tags), emoty_signature(ARRAY[p.palette_id])
             FROM patterns p, unnest(emoty_name_lexemes(p.name)) AS l(lexeme)
             WHERE p.is_public AND p.deleted_at IS NULL)
            UNION ALL
            (SELECT l.lexeme, p.like_count, p.id, p.difficulty_rating, p.complexity_score, p.size, p.is_ai_generated, p.created_at,
                    emoty_signature(p.tags), emoty_signature(ARRAY[p.palette_id])
             FROM patterns p, unnest(emoty_name_lexemes(p.name)) AS l(lexeme)
             WHERE p.is_public AND p.deleted_at IS NULL
             EXCEPT ALL
             SELECT lexeme, like_count, pattern_id, difficulty_rating, complexity_score, size, is_ai_generated, created_at,
                    tag_signature, palette_signature FROM pattern_name_terms)
        ) d
        """;

    public static TheoryData<string, string> Writes => new()
    {
        { "a public pattern is created", "INSERT INTO patterns (user_id, name, size, sequence, is_public) VALUES (@user, 'Sunset over the sea', 1, '{\"emojis\":[]}', true)" },
        { "a private pattern is created", "INSERT INTO patterns (user_id, name, size, sequence) VALUES (@user, 'Secret sunset', 1, '{\"emojis\":[]}')" },
        { "a batch is created", "INSERT INTO patterns (user_id, name, size, sequence, is_public) SELECT @user, 'Batch ' || g || ' stars', 1, '{\"emojis\":[]}', g % 2 = 0 FROM generate_series(1, 20) g" },
        { "a pattern is liked", "UPDATE patterns SET like_count = like_count + 1 WHERE id = @listed" },
        { "a pattern is unliked", "UPDATE patterns SET like_count = like_count - 1 WHERE id = @listed AND like_count > 0" },
        { "a pattern is renamed", "UPDATE patterns SET name = 'Moonrise over hills', version = version + 1 WHERE id = @listed" },
        { "a pattern is renamed with a word it had", "UPDATE patterns SET name = 'Sunsets', version = version + 1 WHERE id = @listed" },
        { "a pattern is made private", "UPDATE patterns SET is_public = false, version = version + 1 WHERE id = @listed" },
        { "a pattern is made public", "UPDATE patterns SET is_public = true, version = version + 1 WHERE id = @unlisted" },
        { "a pattern is soft-deleted", "UPDATE patterns SET deleted_at = now() WHERE id = @listed" },
        { "a deleted pattern is restored", "UPDATE patterns SET deleted_at = NULL WHERE id = @deleted" },
        { "a pattern is deleted for good", "DELETE FROM patterns WHERE id = @listed" },
        { "many patterns change at once", "UPDATE patterns SET like_count = like_count + 3, view_count = view_count + 1 WHERE user_id = @user" },
        { "a pattern's grid is edited", "UPDATE patterns SET size = 2, complexity_score = 3.5, version = version + 1 WHERE id = @listed" },
        { "a pattern's rating changes", "UPDATE patterns SET difficulty_rating = 4, version = version + 1 WHERE id = @listed" },
        { "a pattern is marked AI-generated", "UPDATE patterns SET is_ai_generated = true, version = version + 1 WHERE id = @listed" },
        { "a pattern's tags change", "UPDATE patterns SET tags = '{night,stars}', version = version + 1 WHERE id = @listed" },
        { "a pattern's palette changes", "UPDATE patterns SET palette_id = 'forest', version = version + 1 WHERE id = @listed" },
        { "only views change", "UPDATE patterns SET view_count = view_count + 5 WHERE user_id = @user" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task the_terms_hold_the_name_words_of_every_listed_pattern_after(string write, string sql)
    {
        _ = write;
        await using var connection = new NpgsqlConnection(await TestServices.CreateDatabaseAsync("terms"));
        await connection.OpenAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        var ids = await connection.QueryAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, deleted_at, like_count)
            VALUES (@user, 'Sunset beach', 1, '{"emojis":[]}', true, NULL, 4),
                   (@user, 'Quiet forest', 1, '{"emojis":[]}', false, NULL, 0),
                   (@user, 'Lost sunset', 1, '{"emojis":[]}', true, now(), 2)
            RETURNING id
            """, new { user });
        var (listed, unlisted, deleted) = (ids.ElementAt(0), ids.ElementAt(1), ids.ElementAt(2));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pattern_name_terms"));

        // A transaction that changes the sync feed (a delete does) joins its writers first (migration 0010).
        await connection.ExecuteAsync($"{FeedWriters.JoinSql}; {sql}", new { user, listed, unlisted, deleted });

        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(Differences));
    }

    [Fact]
    public async Task migrating_fills_the_terms_of_the_patterns_already_there()
    {
        await using var connection = new NpgsqlConnection(await TestServices.CreateDatabaseAsync("terms-fill"));
        await connection.OpenAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync($$"""
            {{FeedWriters.JoinSql}};
            INSERT INTO users (id) VALUES (@user);
            INSERT INTO patterns (user_id, name, size, sequence, is_public) SELECT @user, 'Pattern ' || g || ' of hearts', 1, '{"emojis":[]}', g % 3 > 0 FROM generate_series(1, 30) g;
            TRUNCATE pattern_name_terms;
            """, new { user });
        var name = DatabaseMigrator.ScriptNames.Single(n => n.Contains("0020_search_name_terms_filters", StringComparison.Ordinal));
        using var reader = new StreamReader(typeof(DatabaseMigrator).Assembly.GetManifestResourceStream(name)!);
        var script = await reader.ReadToEndAsync();
        // The script's backfill alone (the table, functions and triggers exist already).
        await connection.ExecuteAsync(script[script.LastIndexOf("INSERT INTO pattern_name_terms", StringComparison.Ordinal)..]);

        Assert.Equal(20 * 3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pattern_name_terms"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(Differences));
    }

    /// <summary>The store reads the terms for a one-word search by relevance; after a like moves a pattern up, its page follows.</summary>
    [Fact]
    public async Task a_one_word_search_by_relevance_follows_likes_and_visibility()
    {
        var (source, store, user) = await SearchDatabaseAsync("terms-search");
        await using var database = source;
        await using var connection = await database.OpenConnectionAsync();
        var ids = (await connection.QueryAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count)
            SELECT @user, 'Comet ' || g, 1, '{"emojis":[]}', true, g FROM generate_series(1, 5) g ORDER BY g
            RETURNING id
            """, new { user })).ToList();
        static PatternSearchQuery Query(string? cursor) =>
            PatternSearchQuery.Parse(
                cursor is null ? [new("query", "comets"), new("limit", "2")] : [new("query", "comets"), new("limit", "2"), new("cursor", cursor)],
                TestCursors.Signer);

        async Task<List<Guid>> AllPagesAsync()
        {
            var found = new List<Guid>();
            string? cursor = null;
            do
            {
                var page = await store.SearchAsync(Query(cursor), caller: null, CancellationToken.None);
                found.AddRange(page.Data.Select(p => p.Id));
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            return found;
        }

        Assert.Equal([ids[4], ids[3], ids[2], ids[1], ids[0]], await AllPagesAsync());

        await connection.ExecuteAsync("""
            UPDATE patterns SET like_count = 100 WHERE id = @first;
            UPDATE patterns SET is_public = false WHERE id = @hidden;
            """, new { first = ids[0], hidden = ids[3] });

        Assert.Equal([ids[0], ids[4], ids[2], ids[1]], await AllPagesAsync());
    }

    /// <summary>
    /// With a range or flag filter the name class is read from the terms' own columns (migration 0020): an edit that moves a pattern
    /// into or out of the range moves it into or out of the page, and the classes below the name follow once the name class runs out.
    /// </summary>
    [Fact]
    public async Task a_one_word_search_with_a_filter_follows_edits_of_the_filtered_columns()
    {
        var (source, store, user) = await SearchDatabaseAsync("terms-filters");
        await using var database = source;
        await using var connection = await database.OpenConnectionAsync();
        var ids = (await connection.QueryAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count, difficulty_rating)
            SELECT @user, 'Comet ' || g, 1, '{"emojis":[]}', true, g, 1 + g % 2 FROM generate_series(1, 6) g ORDER BY g
            RETURNING id
            """, new { user })).ToList();
        var inTags = await connection.ExecuteScalarAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count, difficulty_rating, tags)
            VALUES (@user, 'Night sky', 1, '{"emojis":[]}', true, 1000, 2, '{comet}') RETURNING id
            """, new { user });

        async Task<List<Guid>> PageAsync() =>
            (await store.SearchAsync(
                PatternSearchQuery.Parse([new("query", "comet"), new("difficulty_min", "2"), new("limit", "10")], TestCursors.Signer),
                caller: null, CancellationToken.None)).Data.Select(p => p.Id).ToList();

        // Odd like counts have difficulty 2; the tag match, liked most, ranks below every name match.
        Assert.Equal([ids[4], ids[2], ids[0], inTags], await PageAsync());

        await connection.ExecuteAsync("""
            UPDATE patterns SET difficulty_rating = 3, version = version + 1 WHERE id = @raised;
            UPDATE patterns SET difficulty_rating = 1, version = version + 1 WHERE id = @lowered;
            """, new { raised = ids[5], lowered = ids[2] });

        Assert.Equal([ids[5], ids[4], ids[0], inTags], await PageAsync());
    }

    /// <summary>
    /// Tags and a palette are tested on signatures (migration 0020), which a tag the pattern lacks can match: such a pattern must not
    /// appear, and one that has the tag must, whatever its like count.
    /// </summary>
    [Fact]
    public async Task a_tag_whose_signature_a_pattern_matches_without_having_it_does_not_find_that_pattern()
    {
        var (source, store, user) = await SearchDatabaseAsync("terms-signatures");
        await using var database = source;
        await using var connection = await database.OpenConnectionAsync();
        var manyTags = Enumerable.Range(1, 20).Select(i => $"tag{i}").ToArray();
        var crowded = await connection.ExecuteScalarAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count, tags, palette_id)
            VALUES (@user, 'Comet crowded', 1, '{"emojis":[]}', true, 100, @manyTags, 'forest') RETURNING id
            """, new { user, manyTags });
        // With 20 tags about 40 of the 64 bits are set, so among a few hundred other tags some have both their bits there.
        var impostor = await connection.ExecuteScalarAsync<string>("""
            SELECT 'other' || g FROM generate_series(1, 1000) g
            WHERE emoty_signature(ARRAY['other' || g]) & emoty_signature(@manyTags) = emoty_signature(ARRAY['other' || g])
            ORDER BY g LIMIT 1
            """, new { manyTags });
        var tagged = await connection.ExecuteScalarAsync<Guid>("""
            INSERT INTO patterns (user_id, name, size, sequence, is_public, like_count, tags, palette_id)
            VALUES (@user, 'Comet tagged', 1, '{"emojis":[]}', true, 1, ARRAY[@impostor], 'forest') RETURNING id
            """, new { user, impostor });
        Assert.NotNull(impostor);

        async Task<List<Guid>> PageAsync(string name, string value) =>
            (await store.SearchAsync(
                PatternSearchQuery.Parse([new("query", "comet"), new(name, value)], TestCursors.Signer),
                caller: null, CancellationToken.None)).Data.Select(p => p.Id).ToList();

        Assert.Equal([tagged], await PageAsync("tags", impostor!));
        Assert.Equal([crowded], await PageAsync("tags", "tag7"));
        Assert.Equal([crowded, tagged], await PageAsync("palette_id", "forest"));
        Assert.Empty(await PageAsync("palette_id", "neon"));
    }

    /// <summary>A database of its own with one user, and the store over it.</summary>
    private static async Task<(NpgsqlDataSource Database, PatternSearchStore Store, Guid User)> SearchDatabaseAsync(string name)
    {
        var database = PostgresSetup.CreateDataSource(await TestServices.CreateDatabaseAsync(name));
        var user = Guid.NewGuid();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        return (database, new PatternSearchStore(database, TestCursors.Signer), user);
    }
}
