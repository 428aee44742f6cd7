using Emoty.Domain.Persistence;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Tests.Sync;

/// <summary>40,000 patterns of 400 users with favourites, shares and feed events, analysed.</summary>
public sealed class SeededFeed : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public Guid User { get; } = Guid.Parse("00000000-0000-4000-8000-000000000007");

    public async Task InitializeAsync()
    {
        ConnectionString = await TestServices.CreateDatabaseAsync("feedplans");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        // One implicit transaction that writes users first: it joins the feed writers before that.
        await connection.ExecuteAsync("""
            SELECT emoty_join_feed_writers();
            INSERT INTO users (id) SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid FROM generate_series(1, 400) g;
            INSERT INTO patterns (user_id, name, sequence, size, is_public)
            SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(1 + g % 400), 12, '0'))::uuid, 'P' || g, '{"emojis":[]}', 4, g % 3 = 0
            FROM generate_series(1, 40000) g;
            INSERT INTO pattern_favorites (user_id, pattern_id)
            SELECT u.id, p.id FROM users u CROSS JOIN LATERAL (SELECT id FROM patterns WHERE is_public AND user_id <> u.id LIMIT 50) p;
            INSERT INTO pattern_shares (pattern_id, shared_with, permission, shared_by)
            SELECT p.id, u.id, 'view', p.user_id FROM users u CROSS JOIN LATERAL (
                SELECT id, user_id FROM patterns WHERE NOT is_public AND user_id <> u.id OFFSET 100 LIMIT 20) p;
            INSERT INTO sync_feed_events (user_id, pattern_id, change)
            SELECT u.id, gen_random_uuid(), 'delete' FROM users u CROSS JOIN generate_series(1, 50);
            ANALYZE;
            """, commandTimeout: 300);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class SyncFeedPlanTests(SeededFeed seeded) : IClassFixture<SeededFeed>
{
    private static readonly string[] FeedTables = ["patterns", "pattern_favorites", "pattern_shares", "sync_feed_events"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task the_feed_page_reads_every_table_through_an_index(bool fromCursor)
    {
        DapperSetup.Configure();
        await using var connection = new NpgsqlConnection(seeded.ConnectionString);
        await connection.OpenAsync();
        var cursor = SyncCursor.Start;
        if (fromCursor)
        {
            var (xid, seq) = await connection.QuerySingleAsync<(string, long)>(
                "SELECT change_xid::text, change_seq FROM patterns WHERE user_id = @user ORDER BY change_xid, change_seq OFFSET 40 LIMIT 1", new { user = seeded.User });
            cursor = new SyncCursor(ulong.Parse(xid, System.Globalization.CultureInfo.InvariantCulture), seq);
        }

        var horizon = await connection.ExecuteScalarAsync<string>("SELECT emoty_feed_horizon()::text");
        var plan = await connection.ExecuteScalarAsync<string>(
            "EXPLAIN (FORMAT JSON) " + SyncFeedStore.PageSql, SyncFeedStore.PageParameters(seeded.User, cursor, 101, horizon!));
        var scans = SequentialScans(JsonDocument.Parse(plan!).RootElement).ToList();
        Assert.True(scans.Count == 0, $"The feed scans {string.Join(", ", scans)} sequentially:\n{plan}");
    }

    private static IEnumerable<string> SequentialScans(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Array => node.EnumerateArray().SelectMany(SequentialScans),
        JsonValueKind.Object => (node.TryGetProperty("Node Type", out var type) && type.GetString() == "Seq Scan"
                && node.TryGetProperty("Relation Name", out var relation) && FeedTables.Contains(relation.GetString())
                ? [relation.GetString()!]
                : Enumerable.Empty<string>())
            .Concat(node.EnumerateObject().SelectMany(p => SequentialScans(p.Value))),
        _ => [],
    };
}
