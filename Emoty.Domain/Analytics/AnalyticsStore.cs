using Dapper;
using Emoty.Domain.Access;
using Emoty.Domain.Persistence;
using Npgsql;

namespace Emoty.Domain.Analytics;

public sealed class AnalyticsStore(NpgsqlDataSource database, Transactions transactions)
{
    /// <summary>By the database's clock, the one that stamped the rows counted (see Access/LiveShares.cs).</summary>
    private const string Today = "(now() AT TIME ZONE 'UTC')::date";

    /// <summary>Only one instance refreshes the view at a time; the others skip their turn.</summary>
    private const long RefreshLockKey = 0x456d6f74795f4d56;

    /// <summary>
    /// Each event counts once (event_id), and each kind at most once per viewer and pattern within 10 minutes both of when it
    /// happened and of when it arrived, so back-dating a burst of events does not multiply them. Unique users are viewers new to
    /// the pattern that day (rollups) or ever (totals). Returns the patterns whose counters moved.
    /// </summary>
    public Task<Guid[]> IngestAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken) =>
        transactions.RunAsync(async work =>
        {
            var allowed = await AllowedAsync(work, events, cancellationToken);
            if (allowed.Count == 0)
            {
                return [];
            }

            // Concurrent messages about one viewer and pattern queue up here, so the 10-minute and
            // first-today checks below see each other's rows. Sorted, so two batches cannot deadlock.
            var pairs = allowed.Select(e => $"{e.PatternId:N}{e.Viewer}").Distinct().Order(StringComparer.Ordinal).ToArray();
            await work.ExecuteAsync(
                "SELECT pg_advisory_xact_lock(hashtextextended(pair, 7)) FROM unnest(@pairs) WITH ORDINALITY AS p(pair, n) ORDER BY n",
                new { pairs }, cancellationToken);

            const string sql = """
                WITH incoming AS (
                    SELECT * FROM unnest(@eventIds, @patternIds, @userIds, @viewers, @types, @occurred)
                        AS e(event_id, pattern_id, user_id, viewer, event_type, occurred_at)
                ), inserted AS (
                    INSERT INTO pattern_usage_events (event_id, pattern_id, user_id, viewer, event_type, occurred_at)
                    SELECT i.event_id, i.pattern_id, i.user_id, i.viewer, i.event_type, i.occurred_at FROM incoming i
                    WHERE NOT EXISTS (
                        SELECT 1 FROM pattern_usage_events v
                        WHERE v.pattern_id = i.pattern_id AND v.viewer = i.viewer AND v.event_type = i.event_type
                          AND ((v.occurred_at > i.occurred_at - interval '10 minutes' AND v.occurred_at < i.occurred_at + interval '10 minutes')
                               OR v.received_at > now() - interval '10 minutes'))
                    ON CONFLICT (event_id) DO NOTHING
                    RETURNING pattern_id, viewer, event_type, occurred_at, (occurred_at AT TIME ZONE 'UTC')::date AS day
                ), new_viewers AS (
                    SELECT i.pattern_id, i.day, count(DISTINCT i.viewer) AS viewers FROM inserted i
                    WHERE NOT EXISTS (
                        SELECT 1 FROM pattern_usage_events o
                        WHERE o.pattern_id = i.pattern_id AND o.viewer = i.viewer
                          AND o.occurred_at >= i.day::timestamp AT TIME ZONE 'UTC'
                          AND o.occurred_at < (i.day + 1)::timestamp AT TIME ZONE 'UTC')
                    GROUP BY i.pattern_id, i.day
                ), rollup AS (
                    SELECT pattern_id, day,
                           count(*) FILTER (WHERE event_type = 'view') AS views,
                           count(*) FILTER (WHERE event_type = 'like') AS likes,
                           count(*) FILTER (WHERE event_type = 'share') AS shares,
                           count(*) FILTER (WHERE event_type = 'copy') AS copies,
                           count(*) FILTER (WHERE event_type = 'download') AS downloads,
                           count(*) FILTER (WHERE event_type = 'edit') AS edits
                    FROM inserted GROUP BY pattern_id, day
                ), stats AS (
                    INSERT INTO pattern_usage_stats AS s (pattern_id, day, views, likes, shares, copies, downloads, edits, unique_users)
                    SELECT r.pattern_id, r.day, r.views, r.likes, r.shares, r.copies, r.downloads, r.edits, coalesce(n.viewers, 0)
                    FROM rollup r LEFT JOIN new_viewers n USING (pattern_id, day)
                    ON CONFLICT (pattern_id, day) DO UPDATE SET
                        views = s.views + EXCLUDED.views, likes = s.likes + EXCLUDED.likes, shares = s.shares + EXCLUDED.shares,
                        copies = s.copies + EXCLUDED.copies, downloads = s.downloads + EXCLUDED.downloads, edits = s.edits + EXCLUDED.edits,
                        unique_users = s.unique_users + EXCLUDED.unique_users
                ), first_seen AS (
                    INSERT INTO pattern_viewers (pattern_id, viewer, first_seen_at)
                    SELECT pattern_id, viewer, min(occurred_at) FROM inserted GROUP BY pattern_id, viewer
                    ON CONFLICT (pattern_id, viewer) DO NOTHING
                    RETURNING pattern_id
                ), totals AS (
                    INSERT INTO pattern_usage_totals AS t (pattern_id, views, likes, shares, copies, downloads, edits, unique_users, last_event_at)
                    SELECT r.pattern_id, sum(r.views), sum(r.likes), sum(r.shares), sum(r.copies), sum(r.downloads), sum(r.edits),
                           (SELECT count(*) FROM first_seen f WHERE f.pattern_id = r.pattern_id),
                           (SELECT max(i.occurred_at) FROM inserted i WHERE i.pattern_id = r.pattern_id)
                    FROM rollup r GROUP BY r.pattern_id
                    ON CONFLICT (pattern_id) DO UPDATE SET
                        views = t.views + EXCLUDED.views, likes = t.likes + EXCLUDED.likes, shares = t.shares + EXCLUDED.shares,
                        copies = t.copies + EXCLUDED.copies, downloads = t.downloads + EXCLUDED.downloads, edits = t.edits + EXCLUDED.edits,
                        unique_users = t.unique_users + EXCLUDED.unique_users,
                        last_event_at = greatest(t.last_event_at, EXCLUDED.last_event_at)
                ), moved AS (
                    SELECT pattern_id, sum(views) AS views, sum(shares) AS shares, sum(downloads) AS downloads
                    FROM rollup GROUP BY pattern_id HAVING sum(views) + sum(shares) + sum(downloads) > 0
                )
                UPDATE patterns p
                SET view_count = p.view_count + m.views, share_count = p.share_count + m.shares, download_count = p.download_count + m.downloads
                FROM moved m WHERE p.id = m.pattern_id
                RETURNING p.id
                """;
            var moved = await work.QueryAsync<Guid>(sql, new
            {
                eventIds = allowed.Select(e => e.EventId).ToArray(),
                patternIds = allowed.Select(e => e.PatternId).ToArray(),
                userIds = allowed.Select(e => e.UserId).ToArray(),
                viewers = allowed.Select(e => e.Viewer).ToArray(),
                types = allowed.Select(e => e.Type).ToArray(),
                occurred = allowed.Select(e => DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc)).ToArray(),
            }, cancellationToken);
            return moved.ToArray();
        }, cancellationToken);

    /// <summary>
    /// Client events only for patterns their sender may read now. Repeats within the batch are dropped here (they all arrive now),
    /// as one INSERT cannot see its own rows.
    /// </summary>
    private async Task<List<UsageEvent>> AllowedAsync(
        UnitOfWork work, IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT e.n::int FROM unnest(@patternIds, @userIds, @authorized) WITH ORDINALITY AS e(pattern_id, user_id, authorized, n)
            JOIN patterns p ON p.id = e.pattern_id AND p.deleted_at IS NULL
            WHERE e.authorized OR p.is_public OR p.user_id = e.user_id
               OR EXISTS (SELECT 1 FROM {LiveShares.Shares} s WHERE s.pattern_id = p.id AND s.shared_with = e.user_id)
            """;
        var readable = (await work.QueryAsync<int>(sql, new
        {
            patternIds = events.Select(e => e.PatternId).ToArray(),
            userIds = events.Select(e => e.UserId).ToArray(),
            authorized = events.Select(e => e.Authorized).ToArray(),
        }, cancellationToken)).ToHashSet();

        var seen = new HashSet<(Guid, string, string)>();
        return events.Where((e, i) => readable.Contains(i + 1) && seen.Add((e.PatternId, e.Viewer, e.Type))).ToList();
    }

    /// <summary>CONCURRENTLY keeps the view readable meanwhile and rewrites only changed rows. False when another instance is already at it.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = RefreshLockKey }, cancellationToken: cancellationToken)))
        {
            return false;
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                REFRESH MATERIALIZED VIEW CONCURRENTLY user_analytics;
                UPDATE analytics_refresh SET refreshed_at = now();
                """, transaction: transaction, commandTimeout: 600, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = RefreshLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>Their figures live on in the rollups and totals.</summary>
    public async Task<int> PruneEventsAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM pattern_usage_events WHERE id = ANY (ARRAY(
                SELECT id FROM pattern_usage_events WHERE occurred_at < now() - @olderThan ORDER BY occurred_at LIMIT @limit))
            """, new { olderThan, limit }, cancellationToken: cancellationToken));
    }

    private sealed record TotalsRow(long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers, long CollectionCount, DateTime? LastEventAt);

    private sealed record DailyRow(DateOnly Day, long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

    public async Task<PatternAnalytics> ForPatternAsync(Guid patternId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT coalesce(t.views, 0) AS views, coalesce(t.likes, 0) AS likes, coalesce(t.shares, 0) AS shares,
                   coalesce(t.copies, 0) AS copies, coalesce(t.downloads, 0) AS downloads, coalesce(t.edits, 0) AS edits,
                   coalesce(t.unique_users, 0) AS unique_users,
                   (SELECT count(*) FROM pattern_collection_items i WHERE i.pattern_id = @patternId) AS collection_count,
                   t.last_event_at
            FROM (SELECT 1) AS one LEFT JOIN pattern_usage_totals t ON t.pattern_id = @patternId;
            SELECT day, views::bigint, likes::bigint, shares::bigint, copies::bigint, downloads::bigint, edits::bigint, unique_users::bigint
            FROM pattern_usage_stats WHERE pattern_id = @patternId AND day > {Today} - 30 AND day <= {Today} ORDER BY day;
            -- Running totals: computed as of this statement.
            SELECT now(), {Today}::timestamp;
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { patternId }, cancellationToken: cancellationToken));
        var totals = await results.ReadSingleOrDefaultAsync<TotalsRow>() ?? new TotalsRow(0, 0, 0, 0, 0, 0, 0, 0, null);
        var days = (await results.ReadAsync<DailyRow>()).ToDictionary(d => d.Day);
        var (refreshedAt, day) = await results.ReadSingleAsync<(DateTime, DateTime)>();
        var today = DateOnly.FromDateTime(day);

        var daily = Enumerable.Range(0, 30).Select(i => today.AddDays(i - 29)).Select(day => days.TryGetValue(day, out var d)
            ? new DailyUsage(day, d.Views, d.Likes, d.Shares, d.Copies, d.Downloads, d.Edits, d.UniqueUsers)
            : new DailyUsage(day, 0, 0, 0, 0, 0, 0, 0)).ToArray();
        return new PatternAnalytics(patternId,
            new EventTotals(totals.Views, totals.Likes, totals.Shares, totals.Copies, totals.Downloads, totals.Edits),
            totals.UniqueUsers, totals.CollectionCount, totals.LastEventAt, daily, refreshedAt);
    }

    private sealed record MonthRow(DateTime Month, long PatternsCreated, long Views);

    public async Task<UserAnalytics> ForUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT (SELECT count(*) FROM patterns WHERE user_id = @userId AND deleted_at IS NULL) AS patterns,
                   (SELECT count(*) FROM patterns WHERE user_id = @userId AND deleted_at IS NULL AND is_public) AS public_patterns,
                   (SELECT count(*) FROM pattern_collections WHERE user_id = @userId) AS collections,
                   (SELECT coalesce(sum(like_count), 0)::bigint FROM patterns WHERE user_id = @userId AND deleted_at IS NULL) AS favorites_received,
                   coalesce(sum(a.views), 0)::bigint AS views, coalesce(sum(a.likes), 0)::bigint AS likes,
                   coalesce(sum(a.shares), 0)::bigint AS shares, coalesce(sum(a.copies), 0)::bigint AS copies,
                   coalesce(sum(a.downloads), 0)::bigint AS downloads, coalesce(sum(a.edits), 0)::bigint AS edits,
                   coalesce(sum(a.unique_users), 0)::bigint AS unique_users
            FROM user_analytics a WHERE a.user_id = @userId;

            -- One pass over the user's patterns and their rollups, grouped by month (a subquery per month
            -- read a prolific creator's rollups twelve times: 1.4 s for 10,000 patterns).
            WITH months AS (
                SELECT generate_series(date_trunc('month', {Today}) - interval '11 months', date_trunc('month', {Today}), interval '1 month') AS month
            ), created AS (
                SELECT date_trunc('month', p.created_at) AS month, count(*) AS patterns FROM patterns p
                WHERE p.user_id = @userId AND p.created_at >= date_trunc('month', {Today}) - interval '11 months'
                GROUP BY 1
            ), viewed AS (
                SELECT date_trunc('month', s.day) AS month, sum(s.views)::bigint AS views
                FROM patterns p JOIN pattern_usage_stats s ON s.pattern_id = p.id AND s.day >= date_trunc('month', {Today}) - interval '11 months'
                WHERE p.user_id = @userId
                GROUP BY 1
            )
            SELECT m.month, coalesce(c.patterns, 0) AS patterns_created, coalesce(v.views, 0) AS views
            FROM months m LEFT JOIN created c ON c.month = m.month LEFT JOIN viewed v ON v.month = m.month
            ORDER BY m.month;

            SELECT t.tag, count(*) AS count FROM patterns p, unnest(p.tags) AS t(tag)
            WHERE p.user_id = @userId AND p.deleted_at IS NULL
            GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 10;

            SELECT d.rating AS difficulty_rating, count(p.id) AS count
            FROM generate_series(1, 5) AS d(rating)
            LEFT JOIN patterns p ON p.difficulty_rating = d.rating AND p.user_id = @userId AND p.deleted_at IS NULL
            GROUP BY d.rating ORDER BY d.rating;

            SELECT refreshed_at FROM analytics_refresh;
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { userId }, cancellationToken: cancellationToken));
        var totals = await results.ReadSingleAsync<UserTotals>();
        var monthly = (await results.ReadAsync<MonthRow>()).Select(m => new MonthlyUsage(m.Month.ToString("yyyy-MM"), m.PatternsCreated, m.Views)).ToArray();
        var tags = (await results.ReadAsync<TagCount>()).ToArray();
        var difficulty = (await results.ReadAsync<DifficultyCount>()).ToArray();
        var refreshedAt = await results.ReadSingleAsync<DateTime?>();
        return new UserAnalytics(userId, totals, monthly, tags, difficulty, refreshedAt);
    }

    private sealed record PlatformRow(long ActiveUsers, long Users, long Patterns, long PublicPatterns, long Collections);

    private sealed record TrendRow(DateTime Day, long Patterns);

    public async Task<PlatformAnalytics> PlatformAsync(CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT (SELECT count(*) FROM users WHERE last_seen_at > now() - interval '30 days') AS active_users,
                   (SELECT count(*) FROM users) AS users,
                   (SELECT count(*) FROM patterns WHERE deleted_at IS NULL) AS patterns,
                   (SELECT count(*) FROM patterns WHERE deleted_at IS NULL AND is_public) AS public_patterns,
                   (SELECT count(*) FROM pattern_collections) AS collections;

            SELECT t.tag, count(*) AS count FROM patterns p, unnest(p.tags) AS t(tag)
            WHERE p.is_public AND p.deleted_at IS NULL
            GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 20;

            SELECT d.day, count(p.id) AS patterns
            FROM generate_series({Today} - 29, {Today}, interval '1 day') AS d(day)
            LEFT JOIN patterns p ON p.created_at >= d.day AND p.created_at < d.day + interval '1 day' AND p.deleted_at IS NULL
            GROUP BY d.day ORDER BY d.day;

            SELECT p.user_id, u.username, count(*) AS public_patterns, coalesce(sum(p.like_count), 0)::bigint AS likes
            FROM patterns p LEFT JOIN users u ON u.id = p.user_id
            WHERE p.is_public AND p.deleted_at IS NULL
            GROUP BY p.user_id, u.username ORDER BY likes DESC, public_patterns DESC, p.user_id LIMIT 10;

            SELECT refreshed_at, now() AS computed_at FROM analytics_refresh;
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
        var figures = await results.ReadSingleAsync<PlatformRow>();
        var tags = (await results.ReadAsync<TagCount>()).ToArray();
        var trend = (await results.ReadAsync<TrendRow>()).Select(t => new DailyCount(DateOnly.FromDateTime(t.Day), t.Patterns)).ToArray();
        var creators = (await results.ReadAsync<Creator>()).ToArray();
        var (refreshedAt, computedAt) = await results.ReadSingleAsync<(DateTime?, DateTime)>();
        return new PlatformAnalytics(figures.ActiveUsers, figures.Users, figures.Patterns, figures.PublicPatterns, figures.Collections,
            tags, trend, creators, refreshedAt, computedAt);
    }

    /// <summary>Patterns published (naming their creator) and what people did with public patterns, views aside, naming no one.</summary>
    public async Task<ActivityFeed> FeedAsync(int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            (SELECT 'create' AS type, p.id AS pattern_id, p.name AS pattern_name, u.username, p.created_at AS occurred_at
             FROM patterns p LEFT JOIN users u ON u.id = p.user_id
             WHERE p.is_public AND p.deleted_at IS NULL
             ORDER BY p.created_at DESC, p.id DESC LIMIT @limit)
            UNION ALL
            (SELECT e.event_type, p.id, p.name, NULL, e.occurred_at
             FROM pattern_usage_events e JOIN patterns p ON p.id = e.pattern_id
             WHERE e.event_type <> 'view' AND p.is_public AND p.deleted_at IS NULL
             ORDER BY e.occurred_at DESC, e.id DESC LIMIT @limit)
            ORDER BY occurred_at DESC, pattern_id LIMIT @limit
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var items = await connection.QueryAsync<FeedItem>(new CommandDefinition(sql, new { limit }, cancellationToken: cancellationToken));
        return new ActivityFeed(items.ToArray());
    }

    /// <summary>Streamed from the reader, never a list (the HTTP worker still buffers the written body).</summary>
    public async IAsyncEnumerable<ExportedEvent> ExportAsync(Guid userId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT event_id, pattern_id, event_type, occurred_at FROM pattern_usage_events WHERE user_id = @userId ORDER BY occurred_at, id", connection);
        command.Parameters.AddWithValue("userId", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ExportedEvent(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetDateTime(3));
        }
    }
}
