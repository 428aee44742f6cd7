using Emoty.Domain.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emoty.Domain.Tests.Persistence;

public sealed class MigrationTests
{
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    [Fact]
    public async Task applying_migrations_twice_changes_nothing()
    {
        var db = await TestServices.CreateDatabaseAsync("twice");
        await using var connection = await OpenAsync(db);
        var before = await SchemaFingerprintAsync(connection);
        var journalBefore = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations");

        var applied = DatabaseMigrator.Migrate(db, NullLogger.Instance);

        Assert.Empty(applied);
        Assert.Equal(before, await SchemaFingerprintAsync(connection));
        Assert.Equal(journalBefore, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(DatabaseMigrator.ScriptNames.Count, journalBefore);
    }

    [Fact]
    public async Task concurrent_runners_on_an_empty_database_apply_each_script_once()
    {
        var admin = await TestServices.PostgresAdminConnectionStringAsync();
        var name = "emoty_race_" + Guid.NewGuid().ToString("N");
        await using (var connection = await OpenAsync(admin))
        {
            await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        }

        var db = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => DatabaseMigrator.Migrate(db, NullLogger.Instance))));

        Assert.Equal(DatabaseMigrator.ScriptNames.Count, runs.Sum(r => r.Count));
        await using var check = await OpenAsync(db);
        Assert.Equal(DatabaseMigrator.ScriptNames.Count, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    public static TheoryData<string> Tables => new()
    {
        "users", "patterns", "pattern_versions", "pattern_favorites", "pattern_collections", "pattern_collection_items",
        "pattern_shares", "pattern_share_links", "pattern_usage_events", "pattern_usage_stats",
        "sync_batches", "sync_operations", "sync_temp_ids", "sync_feed_events",
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task every_table_of_the_schema_exists(string table)
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("tables"));
        Assert.True(await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = @table)", new { table }));
    }

    [Fact]
    public async Task patterns_carry_every_phase_two_column()
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("columns"));
        var columns = (await connection.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'patterns'")).ToHashSet();
        string[] expected =
        [
            "description", "complexity_score", "estimated_time_minutes", "version", "parent_pattern_id", "search_vector",
            "deleted_at", "deleted_by", "share_count", "download_count", "view_count", "like_count", "change_seq", "change_xid",
        ];
        Assert.All(expected, column => Assert.Contains(column, columns));
    }

    [Fact]
    public async Task every_named_index_exists_and_live_row_indexes_exclude_soft_deleted_rows()
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("indexes"));
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")).ToDictionary(i => i.Name, i => i.Definition);

        string[] gin = ["patterns_public_search_filters_idx", "patterns_public_name_filters_idx"];
        Assert.All(gin, name => Assert.Contains("USING gin", indexes[name]));
        // No statement reads the grid's contents or the name by trigram, so no write keeps an index of them up (migration 0022).
        Assert.DoesNotContain("patterns_sequence_idx", indexes.Keys);
        Assert.DoesNotContain("patterns_name_trgm_idx", indexes.Keys);
        string[] keyset =
        [
            "patterns_public_created_idx", "patterns_public_updated_idx", "patterns_public_views_idx",
            "patterns_public_name_idx", "patterns_public_difficulty_idx", "patterns_public_complexity_idx",
            "patterns_owner_created_idx", "patterns_owner_updated_idx",
        ];
        Assert.All(gin.Concat(keyset), name => Assert.Contains("WHERE", indexes[name]));
        Assert.All(gin.Concat(keyset), name => Assert.Contains("deleted_at IS NULL", indexes[name]));
        Assert.All(keyset, name => Assert.EndsWith(", id) WHERE " + indexes[name].Split(" WHERE ")[1], indexes[name]));
        // The likes index leads with its keyset and carries the filters a walk in likes order tests (migration 0018).
        Assert.Contains("(like_count, id, created_at,", indexes["patterns_public_likes_filters_idx"]);
        Assert.Contains("WHERE (is_public AND (deleted_at IS NULL))", indexes["patterns_public_likes_filters_idx"]);
        Assert.Contains("user_analytics_user_key", indexes.Keys);
        Assert.Contains("pattern_shares_recipient_idx", indexes.Keys);
        Assert.Contains("pattern_collection_items_order_idx", indexes.Keys);
        Assert.Contains("patterns_change_idx", indexes.Keys);
    }

    public static TheoryData<string> Checks => new()
    {
        "patterns_name_length", "patterns_description_length", "patterns_palette_id_length", "patterns_size_range",
        "patterns_sequence_valid", "patterns_tags_valid", "patterns_difficulty_range", "patterns_complexity_range",
        "patterns_estimated_time_range", "patterns_generation_prompt_length", "patterns_version_positive",
        "patterns_counters_non_negative", "pattern_collections_name_length", "pattern_collections_description_length",
        "pattern_collections_color_format", "pattern_collections_not_own_parent", "pattern_shares_permission_known",
        "pattern_share_links_code_format", "pattern_usage_events_type_known", "sync_batches_status_known",
        "sync_operations_status_known", "sync_temp_ids_length",
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task every_check_constraint_exists(string constraint)
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("checks"));
        Assert.True(await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'c' AND conname = @constraint)", new { constraint }));
    }

    [Theory]
    [InlineData("name", "'   '")]
    [InlineData("name", "' padded '")]
    [InlineData("size", "65")]
    [InlineData("tags", "ARRAY['Upper']")]
    [InlineData("tags", "ARRAY['dup','dup']")]
    [InlineData("difficulty_rating", "6")]
    [InlineData("complexity_score", "10.5")]
    [InlineData("sequence", "'{\"emojis\":[{\"emoji\":\"🌅\",\"position\":{\"row\":4,\"col\":0}}]}'")]
    [InlineData("sequence", "'{\"emojis\":[{\"emoji\":\"🌅\",\"position\":{\"row\":0,\"col\":0}},{\"emoji\":\"🌸\",\"position\":{\"row\":0,\"col\":0}}]}'")]
    [InlineData("sequence", "'[\"🌅\"]'")]
    public async Task the_database_rejects_what_the_api_would_reject(string column, string value)
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("reject"));
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        var columns = new Dictionary<string, string>
        {
            ["user_id"] = $"'{user}'",
            ["name"] = "'Sunset'",
            ["size"] = "4",
            ["sequence"] = "'{\"emojis\":[{\"emoji\":\"🌅\",\"position\":{\"row\":0,\"col\":0}}]}'",
        };
        await connection.ExecuteAsync($"INSERT INTO patterns ({string.Join(',', columns.Keys)}) VALUES ({string.Join(',', columns.Values)})");

        columns[column] = value;
        var insert = $"INSERT INTO patterns ({string.Join(',', columns.Keys)}) VALUES ({string.Join(',', columns.Values)})";
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(insert));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task search_vector_weights_name_tags_and_description()
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("vector"));
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        var vector = await connection.ExecuteScalarAsync<string>("""
            INSERT INTO patterns (user_id, name, size, sequence, tags, description, generation_prompt)
            VALUES (@user, 'Sunset', 2, '{"emojis":[]}', ARRAY['ocean'], 'warm colours', 'beach')
            RETURNING search_vector::text
            """, new { user });
        Assert.Contains("'sunset':1A", vector);
        Assert.Contains("'ocean':2B", vector);
        Assert.Contains("'warm':3C", vector);
        Assert.Contains("'beach'", vector);
    }

    [Fact]
    public async Task user_analytics_adds_up_the_running_totals_of_live_patterns_and_keeps_unchanged_rows_across_refreshes()
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("mview"));
        var user = Guid.NewGuid();
        var quiet = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user), (@quiet)", new { user, quiet });
        var ids = new List<Guid>();
        foreach (var name in new[] { "P", "Q", "Gone" })
        {
            ids.Add(await connection.ExecuteScalarAsync<Guid>(
                "INSERT INTO patterns (user_id, name, size, sequence) VALUES (@user, @name, 1, '{\"emojis\":[]}') RETURNING id", new { user, name }));
        }

        await connection.ExecuteAsync("""
            UPDATE patterns SET deleted_at = now() WHERE id = @c;
            INSERT INTO pattern_usage_totals (pattern_id, views, likes, unique_users) VALUES (@a, 7, 2, 3), (@b, 1, 0, 1), (@c, 100, 100, 100);
            """, new { a = ids[0], b = ids[1], c = ids[2] });

        await connection.ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY user_analytics");
        var row = await connection.QuerySingleAsync<(long Views, long Likes, long UniqueUsers, string Location)>(
            "SELECT views, likes, unique_users, ctid::text FROM user_analytics WHERE user_id = @user", new { user });
        Assert.Equal((8L, 2L, 4L), (row.Views, row.Likes, row.UniqueUsers));
        // A user without figures has no row (readers take it as zeros).
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM user_analytics WHERE user_id = @quiet)", new { quiet }));

        // Nothing changed, so a second refresh leaves the row where it was: no dead row per refresh.
        await connection.ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY user_analytics");
        Assert.Equal(row.Location, await connection.ExecuteScalarAsync<string>(
            "SELECT ctid::text FROM user_analytics WHERE user_id = @user", new { user }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM analytics_refresh"));
    }

    [Fact]
    public async Task collection_pattern_count_follows_its_items()
    {
        await using var connection = await OpenAsync(await TestServices.CreateDatabaseAsync("count"));
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("INSERT INTO users (id) VALUES (@user)", new { user });
        var collection = await connection.ExecuteScalarAsync<Guid>(
            "INSERT INTO pattern_collections (user_id, name) VALUES (@user, 'Folder') RETURNING id", new { user });
        await connection.ExecuteAsync("""
            INSERT INTO patterns (user_id, name, size, sequence) SELECT @user, 'P' || g, 1, '{"emojis":[]}' FROM generate_series(1, 5) g;
            INSERT INTO pattern_collection_items (collection_id, pattern_id, position)
            SELECT @collection, id, row_number() OVER () FROM patterns;
            DELETE FROM pattern_collection_items WHERE pattern_id IN (SELECT id FROM patterns ORDER BY id LIMIT 2);
            """, new { user, collection });

        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT pattern_count FROM pattern_collections WHERE id = @collection", new { collection }));
    }

    private static async Task<string> SchemaFingerprintAsync(NpgsqlConnection connection) =>
        string.Join('\n', await connection.QueryAsync<string>("""
            SELECT 'table ' || tablename FROM pg_tables WHERE schemaname = 'public'
            UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT 'matview ' || matviewname FROM pg_matviews WHERE schemaname = 'public'
            ORDER BY 1
            """));
}
