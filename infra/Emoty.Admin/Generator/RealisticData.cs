using System.Collections.Concurrent;
using Dapper;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Emoty.Admin.Generator;

/// <summary>How far a stage of <see cref="RealisticData.SeedAsync"/> has got.</summary>
public sealed record SeedProgress(string Stage, long Done, long Total);

/// <summary>The database holds patterns already: seeding it would not give the data set of the seed.</summary>
public sealed class DatabaseNotEmptyException(string message) : InvalidOperationException(message);

/// <summary>
/// A realistic data set of any size, identical for the same (patterns, seed): users with a
/// heavy-tailed number of patterns, Zipf-skewed words and tags, real emoji grids, heavy-tailed views
/// and likes with the favourite rows to match, shares, collections, daily usage rollups and the
/// sync feed events the triggers would have written. Loaded with binary COPY over a few connections.
/// </summary>
/// <remarks>
/// Every id and time comes from the seed and <see cref="ReferenceTime"/>, never from the clock or
/// gen_random_uuid(). The history counts as one old transaction for the sync feed: change_xid is
/// the constant <see cref="HistoryXid"/>, below every real transaction id, so a client syncing from
/// scratch reads all of it before anything that happens afterwards.
/// </remarks>
public static class RealisticData
{
    /// <summary>"Now" for the data set: everything happened in the three years before it.</summary>
    public static readonly DateTime ReferenceTime = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Changes whenever the generated data changes, so a database seeded by an older generator is not reused.</summary>
    public const int Version = 1;

    /// <summary>The first normal PostgreSQL transaction id: older than any transaction that can still be running.</summary>
    public const ulong HistoryXid = 3;

    /// <summary>
    /// Patterns are written by this many connections at once, batch i by lane (i / LaneBatch) % Lanes.
    /// The server spends about 200 µs of CPU on a pattern row (the CHECKs, the search vector, the key,
    /// the foreign keys, the name terms), so one backend alone could not load a million rows in three
    /// minutes. Part of the data model (a remix's parent is in its lane), so it is a constant, not the
    /// machine's core count.
    /// </summary>
    public const int Lanes = 2;

    public const int LaneBatch = 2048;

    public static int Lane(int pattern) => pattern / LaneBatch % Lanes;

    public static int UserCount(int patterns) => Math.Max(10_000, patterns / 50);

    private const int ProgressStep = 4096;

    /// <summary>
    /// Fills an empty, migrated database. Opens <see cref="Lanes"/> more connections like
    /// <paramref name="connection"/>. Users are committed first and the patterns next, as the
    /// later tables' foreign keys need them visible to the other connections; should a step fail,
    /// the database is left partly seeded (and the next run refuses it: recreate it).
    /// </summary>
    /// <returns>The rows written per table.</returns>
    /// <exception cref="DatabaseNotEmptyException">the patterns table is not empty.</exception>
    public static async Task<IReadOnlyList<(string Table, long Rows)>> SeedAsync(
        NpgsqlConnection connection, int patterns, int seed, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(patterns, 1);
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM patterns)", cancellationToken: cancellationToken)))
        {
            throw new DatabaseNotEmptyException("The database already holds patterns; seed an empty one (after migrate), so that the seed alone decides the data.");
        }

        progress?.Report(new SeedProgress("plan", 0, 1));
        var plan = await Task.Run(() => Plan.Create(patterns, seed), cancellationToken);
        progress?.Report(new SeedProgress("plan", 1, 1));

        var indexes = await DropSecondaryIndexesAsync(connection, cancellationToken);
        var rows = new ConcurrentDictionary<string, long>();
        await InTransactionAsync(connection, (c, _) => rows["users"] = CopyUsers(c, plan, progress, cancellationToken), cancellationToken);

        var perLane = new long[Lanes];
        var written = new long[1];
        await InParallelAsync(connection, Enumerable.Range(0, Lanes).Select(lane => (Job)((c, _) =>
            perLane[lane] = CopyPatterns(c, plan, lane, written, progress, cancellationToken))), cancellationToken);
        rows["patterns"] = perLane.Sum();

        // Independent of one another once users and patterns are committed; largest first.
        await InParallelAsync(connection, [
            (c, _) =>
            {
                foreach (var (table, count) in CopyUsage(c, plan, progress, cancellationToken))
                {
                    rows[table] = count;
                }
            },
            (c, _) => rows["pattern_versions"] = CopyVersions(c, plan, progress, cancellationToken),
            (c, _) => rows["pattern_favorites"] = CopyFavorites(c, plan, progress, cancellationToken),
            (c, _) => rows["sync_feed_events"] = CopyFeedEvents(c, plan, progress, cancellationToken),
            (c, _) => (rows["pattern_collections"], rows["pattern_collection_items"]) = CopyCollections(c, plan, progress, cancellationToken),
            (c, _) => rows["pattern_shares"] = CopyShares(c, plan, progress, cancellationToken),
        ], cancellationToken);

        progress?.Report(new SeedProgress("indexes", 0, indexes.Count));
        var built = new long[1];
        await InParallelAsync(connection, indexes.Select(definition => (Job)((c, t) =>
        {
            c.Execute(new CommandDefinition(definition, transaction: t, commandTimeout: 0, cancellationToken: cancellationToken));
            progress?.Report(new SeedProgress("indexes", Interlocked.Increment(ref built[0]), indexes.Count));
        })), cancellationToken);

        // The sequence goes on after the history, so the app's next change sorts after all of it. The
        // analytics timer would refresh the view soon; doing it now gives the data set analytics at once.
        // Search's shares of words and tags are copied from the statistics, so after ANALYZE.
        progress?.Report(new SeedProgress("analyze", 0, 1));
        await connection.ExecuteAsync(new CommandDefinition($"""
            SELECT setval('pattern_change_seq', @last);
            REFRESH MATERIALIZED VIEW user_analytics;
            UPDATE analytics_refresh SET refreshed_at = now();
            ANALYZE;
            {SearchStatistics.RefreshSql};
            """, new { last = patterns + plan.FeedEvents.LongLength }, commandTimeout: 0, cancellationToken: cancellationToken));
        progress?.Report(new SeedProgress("analyze", 1, 1));
        string[] order = ["users", "patterns", "pattern_versions", "pattern_favorites", "pattern_shares", "pattern_collections",
            "pattern_collection_items", "pattern_usage_stats", "pattern_viewers", "pattern_usage_totals", "sync_feed_events"];
        return order.Where(rows.ContainsKey).Select(t => (t, rows[t])).ToArray();
    }

    /// <summary>The tables the seed fills with more than a few thousand rows.</summary>
    private static readonly string[] LoadedTables = ["patterns", "pattern_name_terms", "pattern_versions", "pattern_favorites",
        "pattern_usage_stats", "pattern_viewers", "pattern_usage_totals", "sync_feed_events"];

    /// <summary>
    /// Drops the indexes of <see cref="LoadedTables"/> that no constraint needs (so not the keys, nor what a foreign key
    /// refers to) and returns the statements that build them again, GIN first as they take longest. An index built
    /// once over the loaded rows costs far less than the same index kept up row by row as they arrive (what pg_restore
    /// does too): 200,000 patterns went in 22 s without their secondary indexes and 37 s with them, and building them
    /// afterwards took 8.5 s on one connection (docs/benchmarks.md, "Seeding a million patterns in under 3 minutes").
    /// </summary>
    private static async Task<IReadOnlyList<string>> DropSecondaryIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(new CommandDefinition("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE c.relname = ANY (@tables) AND c.relnamespace = current_schema()::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY am.amname <> 'gin', i.indexrelid
            """, new { tables = LoadedTables }, transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (name, _) in indexes)
        {
            await connection.ExecuteAsync(new CommandDefinition($"DROP INDEX {name}", transaction: transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return indexes.ConvertAll(i => i.Definition);
    }

    private delegate void Job(NpgsqlConnection connection, NpgsqlTransaction transaction);

    private static async Task InTransactionAsync(NpgsqlConnection connection, Job job, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A transaction that writes the sync feed joins its writers before its first write (migration 0010).
        await connection.ExecuteAsync(new CommandDefinition(FeedWriters.JoinSql, transaction: transaction, cancellationToken: cancellationToken));
        // COPY is synchronous here: the server, not this thread, is the bottleneck.
        await Task.Run(() => job(connection, transaction), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Runs the jobs on <see cref="Lanes"/> extra connections, each job in its own transaction.</summary>
    private static async Task InParallelAsync(NpgsqlConnection like, IEnumerable<Job> jobs, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<Job>(jobs);
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(async _ =>
        {
            await using var connection = await like.CloneWithAsync(like.ConnectionString, cancellationToken);
            await connection.OpenAsync(cancellationToken);
            while (queue.TryDequeue(out var job))
            {
                await InTransactionAsync(connection, job, cancellationToken);
            }
        }));
    }

    private static NpgsqlBinaryImporter Import(NpgsqlConnection connection, string table, string columns)
    {
        var writer = connection.BeginBinaryImport($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)");
        // The server checks the foreign keys of all rows at the end of the COPY, which takes longer than a command timeout.
        writer.Timeout = TimeSpan.FromHours(2);
        return writer;
    }

    private static DateTime At(long ticks) => new(ticks, DateTimeKind.Utc);

    private static void Report(IProgress<SeedProgress>? progress, string stage, long done, long total, CancellationToken cancellationToken)
    {
        if (done % ProgressStep == 0 || done == total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new SeedProgress(stage, done, total));
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.Write(value, type);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter writer, Guid? value)
    {
        if (value is { } id)
        {
            writer.Write(id, NpgsqlDbType.Uuid);
        }
        else
        {
            writer.WriteNull();
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter writer, DateTime? value)
    {
        if (value is { } at)
        {
            writer.Write(at, NpgsqlDbType.TimestampTz);
        }
        else
        {
            writer.WriteNull();
        }
    }

    private static long CopyUsers(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        string[] levels = ["beginner", "intermediate", "advanced", "expert"];
        string[] domains = ["example.com", "example.org", "example.net", "mail.example.com"];
        using var writer = Import(connection, "users", "id, email, username, full_name, avatar_url, user_level, preferences, created_at, updated_at, last_seen_at");
        for (var u = 0; u < plan.Users.Length; u++)
        {
            var user = plan.Users[u];
            var rng = Rng.For(plan.Seed, RngStream.User, u);
            var first = rng.Pick(Vocabulary.FirstNames);
            var last = rng.Pick(Vocabulary.LastNames);
            // The user's number keeps usernames (and so e-mails) unique, as the unique indexes require.
            var number = u.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var username = rng.Chance(0.5) ? $"{first}{last[0]}{number}" : $"{Vocabulary.Words[rng.Next(400)]}_{Vocabulary.Words[rng.Next(1200)]}{number}";
            var level = rng.Next(100) switch { < 50 => 0, < 80 => 1, < 95 => 2, _ => 3 };
            writer.StartRow();
            writer.Write(user.Id, NpgsqlDbType.Uuid);
            WriteNullable(writer, rng.Chance(0.9) ? $"{username}@{rng.Pick(domains)}" : null, NpgsqlDbType.Text);
            writer.Write(username, NpgsqlDbType.Text);
            WriteNullable(writer, rng.Chance(0.8) ? $"{Title(first)} {Title(last)}" : null, NpgsqlDbType.Text);
            WriteNullable(writer, rng.Chance(0.4) ? $"https://avatars.example.com/{user.Id:N}.png" : null, NpgsqlDbType.Text);
            writer.Write(levels[level], NpgsqlDbType.Text);
            writer.Write(rng.Chance(0.6) ? "{}" : $$"""{"theme":"{{(rng.Chance(0.6) ? "dark" : "light")}}","language":"{{rng.Pick(["en", "en", "en", "fr", "de", "es", "ja", "pt"])}}"}""", NpgsqlDbType.Jsonb);
            writer.Write(At(user.Created), NpgsqlDbType.TimestampTz);
            writer.Write(At(rng.Chance(0.3) ? Plan.Between(ref rng, user.Created, user.LastSeen) : user.Created), NpgsqlDbType.TimestampTz);
            writer.Write(At(user.LastSeen), NpgsqlDbType.TimestampTz);
            Report(progress, "users", u + 1, plan.Users.Length, cancellationToken);
        }

        return (long)writer.Complete();
    }

    private static string Title(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>
    /// One lane's patterns, in index order. Grids and texts are generated while the server is busy
    /// with the rows already sent (the socket's buffers decouple the two).
    /// </summary>
    private static long CopyPatterns(NpgsqlConnection connection, Plan plan, int lane, long[] written, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var total = plan.Patterns.Length;
        var copied = 0L;
        for (var from = lane * LaneBatch; from < total; from += Lanes * LaneBatch)
        {
            // One COPY a batch: the name terms' trigger and the foreign keys run at the end of each statement, over
            // the rows it wrote, which a batch keeps in memory (a COPY of the lane's 500,000 rows spilled them to disk).
            using var writer = Import(connection, "patterns", """
                id, user_id, name, description, sequence, palette_id, size, tags, difficulty_rating, complexity_score,
                estimated_time_minutes, is_public, is_ai_generated, generation_prompt, parent_pattern_id, version,
                view_count, like_count, share_count, download_count, created_at, updated_at, deleted_at, deleted_by,
                change_seq, change_xid
                """);
            for (var i = from; i < Math.Min(total, from + LaneBatch); i++)
            {
                var p = plan.Patterns[i];
                var content = PatternContent.For(plan.Seed, i, p.IsAiGenerated);
                writer.StartRow();
                writer.Write(p.Id, NpgsqlDbType.Uuid);
                writer.Write(plan.Users[p.Owner].Id, NpgsqlDbType.Uuid);
                writer.Write(content.Name, NpgsqlDbType.Text);
                WriteNullable(writer, content.Description, NpgsqlDbType.Text);
                writer.Write(content.Grid.ToJson(), NpgsqlDbType.Jsonb);
                writer.Write(content.PaletteId, NpgsqlDbType.Text);
                writer.Write(content.Grid.Size, NpgsqlDbType.Integer);
                writer.Write(content.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                writer.Write(content.Difficulty, NpgsqlDbType.Smallint);
                writer.Write(content.Complexity, NpgsqlDbType.Numeric);
                writer.Write(content.Minutes, NpgsqlDbType.Integer);
                writer.Write(p.IsPublic, NpgsqlDbType.Boolean);
                writer.Write(p.IsAiGenerated, NpgsqlDbType.Boolean);
                WriteNullable(writer, content.Prompt, NpgsqlDbType.Text);
                WriteNullable(writer, p.Parent < 0 ? null : plan.Patterns[p.Parent].Id);
                writer.Write(p.Version, NpgsqlDbType.Integer);
                writer.Write(p.Views, NpgsqlDbType.Bigint);
                writer.Write((long)p.Likes, NpgsqlDbType.Bigint);
                writer.Write((long)p.ShareCount, NpgsqlDbType.Bigint);
                writer.Write((long)p.Downloads, NpgsqlDbType.Bigint);
                writer.Write(At(p.Created), NpgsqlDbType.TimestampTz);
                writer.Write(At(p.Updated), NpgsqlDbType.TimestampTz);
                // Deleted by its owner (the only other person allowed to, an admin share holder, rarely does).
                WriteNullable(writer, p.IsLive ? null : At(p.Deleted));
                WriteNullable(writer, p.IsLive ? null : plan.Users[p.Owner].Id);
                writer.Write(p.ChangeSeq, NpgsqlDbType.Bigint);
                writer.Write(HistoryXid, NpgsqlDbType.Xid8);
                Report(progress, "patterns", Interlocked.Increment(ref written[0]), total, cancellationToken);
            }

            copied += (long)writer.Complete();
        }

        return copied;
    }

    /// <summary>
    /// The snapshots an edited pattern leaves behind (what PatternStore.SnapshotAsync copies before
    /// each new version): earlier versions drawn with fewer cells, sometimes named otherwise,
    /// sometimes still private; each stamped with the time it was written (the replaced row's updated_at).
    /// </summary>
    private static long CopyVersions(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        using var writer = Import(connection, "pattern_versions", """
            pattern_id, version, name, description, sequence, palette_id, size, tags, difficulty_rating, complexity_score,
            estimated_time_minutes, is_public, is_ai_generated, generation_prompt, changed_by, created_at
            """);
        for (var i = 0; i < plan.Patterns.Length; i++)
        {
            var p = plan.Patterns[i];
            Report(progress, "versions", i + 1, plan.Patterns.Length, cancellationToken);
            if (p.Version == 1)
            {
                continue;
            }

            var content = PatternContent.For(plan.Seed, i, p.IsAiGenerated);
            var rng = Rng.For(plan.Seed, RngStream.Versions, i);
            // Version 1 was written at creation, the last one at updated_at, the others in between.
            var writtenAt = new long[p.Version - 1];
            writtenAt[0] = p.Created;
            for (var k = 1; k < writtenAt.Length; k++)
            {
                writtenAt[k] = Plan.Between(ref rng, p.Created, p.Updated);
            }

            Array.Sort(writtenAt);
            var cells = content.Grid.Cells;
            for (var version = 1; version < p.Version; version++)
            {
                var count = rng.Chance(0.5) ? cells.Length : Math.Max(1, cells.Length * version / p.Version);
                var drawn = new ArraySegment<PatternCell>(cells, 0, count);
                var renamed = rng.Chance(0.3);
                var name = renamed ? Text.Name(ref rng) : content.Name;
                writer.StartRow();
                writer.Write(p.Id, NpgsqlDbType.Uuid);
                writer.Write(version, NpgsqlDbType.Integer);
                writer.Write(name, NpgsqlDbType.Text);
                WriteNullable(writer, content.Description, NpgsqlDbType.Text);
                writer.Write(content.Grid.PrefixJson(count), NpgsqlDbType.Jsonb);
                writer.Write(content.PaletteId, NpgsqlDbType.Text);
                writer.Write(content.Grid.Size, NpgsqlDbType.Integer);
                writer.Write(content.Tags.Length > 1 && rng.Chance(0.3) ? content.Tags[..^1] : content.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                writer.Write(content.Difficulty, NpgsqlDbType.Smallint);
                writer.Write(PatternMetrics.ComplexityScore(drawn, content.Grid.Size), NpgsqlDbType.Numeric);
                writer.Write(PatternMetrics.EstimatedMinutes(drawn, content.Grid.Size), NpgsqlDbType.Integer);
                writer.Write(p.IsPublic && (version > 1 || rng.Chance(0.7)), NpgsqlDbType.Boolean);
                writer.Write(p.IsAiGenerated, NpgsqlDbType.Boolean);
                WriteNullable(writer, content.Prompt, NpgsqlDbType.Text);
                writer.Write(plan.Users[p.Owner].Id, NpgsqlDbType.Uuid);
                writer.Write(At(writtenAt[version - 1]), NpgsqlDbType.TimestampTz);
            }
        }

        return (long)writer.Complete();
    }

    private static long CopyFavorites(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        // The feed events of these rows are written by CopyFeedEvents, from the generated times.
        // DISABLE TRIGGER is transactional: other sessions never see the trigger off.
        connection.Execute("ALTER TABLE pattern_favorites DISABLE TRIGGER pattern_favorites_sync_insert");
        using (var writer = Import(connection, "pattern_favorites", "user_id, pattern_id, created_at"))
        {
            for (var i = 0; i < plan.Patterns.Length; i++)
            {
                for (var f = plan.FavoriteStart[i]; f < plan.FavoriteStart[i + 1]; f++)
                {
                    writer.StartRow();
                    writer.Write(plan.Users[plan.Favorites[f].User].Id, NpgsqlDbType.Uuid);
                    writer.Write(plan.Patterns[i].Id, NpgsqlDbType.Uuid);
                    writer.Write(At(plan.Favorites[f].At), NpgsqlDbType.TimestampTz);
                }

                Report(progress, "favourites", i + 1, plan.Patterns.Length, cancellationToken);
            }

            writer.Complete();
        }

        connection.Execute("ALTER TABLE pattern_favorites ENABLE TRIGGER pattern_favorites_sync_insert");
        return plan.Favorites.Length;
    }

    private static long CopyShares(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        // The feed events of these rows are written by CopyFeedEvents, from the generated times.
        connection.Execute("ALTER TABLE pattern_shares DISABLE TRIGGER pattern_shares_sync_insert");
        using (var writer = Import(connection, "pattern_shares", "pattern_id, shared_with, permission, shared_by, expires_at, created_at, updated_at"))
        {
            for (var s = 0; s < plan.Shares.Length; s++)
            {
                var share = plan.Shares[s];
                var p = plan.Patterns[share.Pattern];
                writer.StartRow();
                writer.Write(p.Id, NpgsqlDbType.Uuid);
                writer.Write(plan.Users[share.User].Id, NpgsqlDbType.Uuid);
                writer.Write(share.Permission, NpgsqlDbType.Text);
                writer.Write(plan.Users[p.Owner].Id, NpgsqlDbType.Uuid);
                WriteNullable(writer, share.Expires == 0 ? null : At(share.Expires));
                writer.Write(At(share.Created), NpgsqlDbType.TimestampTz);
                writer.Write(At(share.Updated), NpgsqlDbType.TimestampTz);
                Report(progress, "shares", s + 1, plan.Shares.Length, cancellationToken);
            }

            writer.Complete();
        }

        connection.Execute("ALTER TABLE pattern_shares ENABLE TRIGGER pattern_shares_sync_insert");
        return plan.Shares.Length;
    }

    /// <summary>
    /// What the sync-feed triggers on pattern_favorites and pattern_shares would have written, with
    /// the generated times instead of now() and the history's transaction id instead of the loader's.
    /// </summary>
    private static long CopyFeedEvents(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        using var writer = Import(connection, "sync_feed_events", "user_id, pattern_id, change, change_seq, change_xid, created_at");
        var events = plan.FeedEvents;
        for (var e = 0; e < events.Length; e++)
        {
            writer.StartRow();
            writer.Write(plan.Users[events[e].User].Id, NpgsqlDbType.Uuid);
            writer.Write(plan.Patterns[events[e].Pattern].Id, NpgsqlDbType.Uuid);
            writer.Write("upsert", NpgsqlDbType.Text);
            writer.Write(plan.Patterns.LongLength + 1 + e, NpgsqlDbType.Bigint);
            writer.Write(HistoryXid, NpgsqlDbType.Xid8);
            writer.Write(At(events[e].At), NpgsqlDbType.TimestampTz);
            Report(progress, "feed events", e + 1, events.Length, cancellationToken);
        }

        return (long)writer.Complete();
    }

    private sealed record Collection(Guid Id, int Owner, string Name, string? Description, string? Color, bool IsPublic, Guid? Parent,
        long Created, long Updated, int Version, List<(int Pattern, long AddedAt)> Items);

    /// <summary>
    /// A fifth of the users keep collections (heavy-tailed: most one or two, some dozens), a few
    /// nested; items are their own patterns and public ones of others, added in sessions, each
    /// session a new version of the collection (as the API counts them). pattern_count is left to
    /// the items trigger (COPY fires statement triggers too); the touch trigger, which would stamp
    /// now() into updated_at when that trigger updates the counts, is off meanwhile: updated_at is
    /// the time of the last session, as the app would have stamped it.
    /// </summary>
    private static (long, long) CopyCollections(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        string[] colors = ["#FF6B6B", "#FFD93D", "#6BCB77", "#4D96FF", "#9B5DE5", "#F15BB5", "#00BBF9", "#00F5D4", "#FEE440", "#8D99AE"];
        var collections = new List<Collection>();
        var picked = new HashSet<int>();
        for (var u = 0; u < plan.Users.Length; u++)
        {
            Report(progress, "collections", u + 1, plan.Users.Length, cancellationToken);
            var rng = Rng.For(plan.Seed, RngStream.Collections, u);
            var user = plan.Users[u];
            if (!rng.Chance(0.2) || user.LastSeen <= user.Created)
            {
                continue;
            }

            var own = plan.UserStart[u + 1] - plan.UserStart[u];
            var first = collections.Count;
            var count = Math.Min(60, (int)rng.Pareto(1.3));
            for (var c = 0; c < count; c++)
            {
                var created = Plan.Between(ref rng, user.Created, user.LastSeen);
                var parent = collections.Count > first && rng.Chance(0.15) ? collections[first + rng.Next(collections.Count - first)] : null;
                var wanted = Math.Min(500, (int)(2 * (rng.Pareto(1.3) - 1)));
                var items = new List<(int, long)>();
                picked.Clear();
                for (var attempts = 5 * wanted; items.Count < wanted && attempts > 0; attempts--)
                {
                    var pattern = own > 0 && rng.Chance(0.6)
                        ? plan.PatternsByUser[plan.UserStart[u] + rng.Next(own)]
                        : plan.PublicLive.Length > 0 ? plan.PublicLive[rng.Next(plan.PublicLive.Length)] : -1;
                    var from = pattern < 0 ? 0 : Math.Max(created, plan.Patterns[pattern].Created);
                    var to = pattern < 0 ? 0 : Math.Min(user.LastSeen, plan.Patterns[pattern].Deadline);
                    if (from < to && picked.Add(pattern))
                    {
                        items.Add((pattern, Plan.Between(ref rng, from, to)));
                    }
                }

                // Items arrive in sessions of a few at a time (one timestamp each); positions follow the order of arrival.
                items.Sort((a, b) => a.Item2 != b.Item2 ? a.Item2.CompareTo(b.Item2) : a.Item1.CompareTo(b.Item1));
                var sessions = 0;
                for (var k = 0; k < items.Count; sessions++)
                {
                    var at = items[k].Item2;
                    for (var end = Math.Min(items.Count, k + rng.Next(1, 5)); k < end; k++)
                    {
                        items[k] = (items[k].Item1, at);
                    }
                }

                var renamed = rng.Chance(0.1);
                var updated = items.Count > 0 ? Math.Max(created, items[^1].Item2) : created;
                var name = Text.Name(ref rng);
                collections.Add(new Collection(
                    rng.NextGuid(), u, rng.Chance(0.2) ? name.Split(' ')[0] : name,
                    rng.Chance(0.4) ? Text.Sentence(ref rng, rng.Next(3, 12)) : null,
                    rng.Chance(0.5) ? rng.Pick(colors) : null,
                    rng.Chance(0.35),
                    parent?.Id,
                    created,
                    renamed ? Math.Max(updated, Plan.Between(ref rng, created, user.LastSeen)) : updated,
                    1 + sessions + (renamed ? 1 : 0),
                    items));
            }
        }

        long itemCount = 0;
        connection.Execute("ALTER TABLE pattern_collections DISABLE TRIGGER pattern_collections_touch");
        using (var writer = Import(connection, "pattern_collections", "id, user_id, name, description, color, is_public, parent_id, pattern_count, version, created_at, updated_at"))
        {
            foreach (var c in collections)
            {
                writer.StartRow();
                writer.Write(c.Id, NpgsqlDbType.Uuid);
                writer.Write(plan.Users[c.Owner].Id, NpgsqlDbType.Uuid);
                writer.Write(c.Name, NpgsqlDbType.Text);
                WriteNullable(writer, c.Description, NpgsqlDbType.Text);
                WriteNullable(writer, c.Color, NpgsqlDbType.Text);
                writer.Write(c.IsPublic, NpgsqlDbType.Boolean);
                WriteNullable(writer, c.Parent);
                writer.Write(0, NpgsqlDbType.Integer);
                writer.Write(c.Version, NpgsqlDbType.Integer);
                writer.Write(At(c.Created), NpgsqlDbType.TimestampTz);
                writer.Write(At(c.Updated), NpgsqlDbType.TimestampTz);
            }

            writer.Complete();
        }

        using (var writer = Import(connection, "pattern_collection_items", "collection_id, pattern_id, position, added_by, added_at"))
        {
            foreach (var c in collections)
            {
                for (var position = 0; position < c.Items.Count; position++)
                {
                    writer.StartRow();
                    writer.Write(c.Id, NpgsqlDbType.Uuid);
                    writer.Write(plan.Patterns[c.Items[position].Pattern].Id, NpgsqlDbType.Uuid);
                    writer.Write(position, NpgsqlDbType.Integer);
                    writer.Write(plan.Users[c.Owner].Id, NpgsqlDbType.Uuid);
                    writer.Write(At(c.Items[position].AddedAt), NpgsqlDbType.TimestampTz);
                }
            }

            itemCount = (long)writer.Complete();
        }

        connection.Execute("ALTER TABLE pattern_collections ENABLE TRIGGER pattern_collections_touch");
        return (collections.Count, itemCount);
    }

    private readonly record struct UsageDay(int Pattern, int DaysBefore, int Viewers);

    private readonly record struct UsageTotal(int Pattern, long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long Viewers);

    /// <summary>
    /// Daily rollups on a few of the last 90 days for live patterns with some audience (and on the
    /// days their favourites fell): each day's views at the pattern's lifetime rate with noise, the
    /// favourites of the day as likes, shares and downloads likewise, an edit on the day of the last
    /// edit. The counters on the pattern stay above the rollups' sums (they count all the time before).
    /// Then, in schemas with running totals (migration 0011), what ingesting those days' events
    /// would have left: each day's unique users as viewers first seen that day (anonymous, as the
    /// app hashes visitors), and the totals of the rollups.
    /// </summary>
    private static List<(string Table, long Rows)> CopyUsage(NpgsqlConnection connection, Plan plan, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        const int window = 90;
        var referenceDay = DateOnly.FromDateTime(ReferenceTime);
        var likes = new int[window + 1];
        var active = new bool[window + 1];
        var days = new List<UsageDay>();
        var totals = new List<UsageTotal>();
        var written = new List<(string, long)>();
        using (var writer = Import(connection, "pattern_usage_stats", "pattern_id, day, views, likes, shares, copies, downloads, edits, unique_users"))
        {
            for (var i = 0; i < plan.Patterns.Length; i++)
            {
                Report(progress, "usage", i + 1, plan.Patterns.Length, cancellationToken);
                var p = plan.Patterns[i];
                var ageDays = (int)((Plan.Reference - p.Created) / TimeSpan.TicksPerDay);
                var alive = Math.Min(window, ageDays);
                if (!p.IsLive || p.Views < 20 || alive < 1)
                {
                    continue;
                }

                var rng = Rng.For(plan.Seed, RngStream.Usage, i);
                Array.Clear(likes);
                Array.Clear(active);
                // Day k is the k-th day before the reference day.
                for (var f = plan.FavoriteStart[i]; f < plan.FavoriteStart[i + 1]; f++)
                {
                    var k = DaysBefore(plan.Favorites[f].At);
                    if (k >= 1 && k <= alive)
                    {
                        likes[k]++;
                        active[k] = true;
                    }
                }

                for (var d = Math.Min(alive, 1 + (int)rng.Exponential(2)); d > 0; d--)
                {
                    active[rng.Next(1, alive)] = true;
                }

                var perDay = 1.0 / Math.Max(1, ageDays);
                long views = p.Views, shares = p.ShareCount, downloads = p.Downloads;
                var edited = p.Version > 1 ? DaysBefore(p.Updated) : -1;
                var total = new UsageTotal(i, 0, 0, 0, 0, 0, 0, 0);
                for (var k = 1; k <= alive; k++)
                {
                    if (!active[k])
                    {
                        continue;
                    }

                    var dayViews = Math.Min(views, Math.Max(1, (long)(p.Views * perDay * rng.Exponential(1) + rng.NextDouble())));
                    var dayShares = Math.Min(shares, (long)(p.ShareCount * perDay * rng.Exponential(1) + rng.NextDouble()));
                    var dayDownloads = Math.Min(downloads, (long)(p.Downloads * perDay * rng.Exponential(1) + rng.NextDouble()));
                    var dayCopies = (long)(dayViews * 0.01 * rng.NextDouble());
                    // Viewers new to the pattern that day: most views of a quiet day, fewer of a busy one
                    // (regulars come back), never more than the views.
                    var viewers = dayViews == 0 ? 0 : (int)Math.Clamp(Math.Pow(dayViews, 0.8) * (0.6 + 0.4 * rng.NextDouble()), 1, dayViews);
                    var edits = edited == k ? 1 : 0;
                    (views, shares, downloads) = (views - dayViews, shares - dayShares, downloads - dayDownloads);
                    writer.StartRow();
                    writer.Write(p.Id, NpgsqlDbType.Uuid);
                    writer.Write(referenceDay.AddDays(-k), NpgsqlDbType.Date);
                    writer.Write((int)dayViews, NpgsqlDbType.Integer);
                    writer.Write(likes[k], NpgsqlDbType.Integer);
                    writer.Write((int)dayShares, NpgsqlDbType.Integer);
                    writer.Write((int)dayCopies, NpgsqlDbType.Integer);
                    writer.Write((int)dayDownloads, NpgsqlDbType.Integer);
                    writer.Write(edits, NpgsqlDbType.Integer);
                    writer.Write(viewers, NpgsqlDbType.Integer);
                    days.Add(new UsageDay(i, k, viewers));
                    total = new UsageTotal(i, total.Views + dayViews, total.Likes + likes[k], total.Shares + dayShares,
                        total.Copies + dayCopies, total.Downloads + dayDownloads, total.Edits + edits, total.Viewers + viewers);
                }

                totals.Add(total);
            }

            written.Add(("pattern_usage_stats", (long)writer.Complete()));
        }

        // Each day's viewers arrive at random moments of it; the last of them is the pattern's last event.
        var lastEvent = new Dictionary<int, long>();
        using (var writer = Import(connection, "pattern_viewers", "pattern_id, viewer, first_seen_at"))
        {
            for (var d = 0; d < days.Count; d++)
            {
                var (pattern, daysBefore, viewers) = days[d];
                var rng = Rng.For(plan.Seed, RngStream.Viewers, d);
                var dayStart = Plan.Reference - daysBefore * TimeSpan.TicksPerDay;
                for (var v = 0; v < viewers; v++)
                {
                    var seen = Plan.Between(ref rng, dayStart, dayStart + TimeSpan.TicksPerDay - 10);
                    lastEvent[pattern] = Math.Max(lastEvent.GetValueOrDefault(pattern), seen);
                    writer.StartRow();
                    writer.Write(plan.Patterns[pattern].Id, NpgsqlDbType.Uuid);
                    writer.Write("a:" + rng.NextUInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Text);
                    writer.Write(At(seen), NpgsqlDbType.TimestampTz);
                }

                Report(progress, "viewers", d + 1, days.Count, cancellationToken);
            }

            written.Add(("pattern_viewers", (long)writer.Complete()));
        }

        using (var writer = Import(connection, "pattern_usage_totals", "pattern_id, views, likes, shares, copies, downloads, edits, unique_users, last_event_at"))
        {
            foreach (var t in totals)
            {
                writer.StartRow();
                writer.Write(plan.Patterns[t.Pattern].Id, NpgsqlDbType.Uuid);
                foreach (var figure in (long[])[t.Views, t.Likes, t.Shares, t.Copies, t.Downloads, t.Edits, t.Viewers])
                {
                    writer.Write(figure, NpgsqlDbType.Bigint);
                }

                writer.Write(At(lastEvent[t.Pattern]), NpgsqlDbType.TimestampTz);
            }

            written.Add(("pattern_usage_totals", (long)writer.Complete()));
        }

        return written;
    }

    private static int DaysBefore(long ticks) =>
        (int)((Plan.Reference - ticks + TimeSpan.TicksPerDay - 1) / TimeSpan.TicksPerDay);
}
