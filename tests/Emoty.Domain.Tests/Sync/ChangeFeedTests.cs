using Emoty.Domain.Identity;
using Emoty.Domain.Sync;

namespace Emoty.Domain.Tests.Sync;

public sealed class ChangeFeedTests(SyncDatabase db) : IClassFixture<SyncDatabase>
{
    // The feed waits for the older transactions of this database's feed writers to end, so a
    // change shows up "soon", not always at once: reads poll up to this long.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private async Task<SyncChangePage> PageAsync(Guid user, string? since = null, int limit = 100)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (since is not null)
        {
            parameters.Add(new("since", since));
        }

        return await db.Service.ChangesAsync(new Caller(user), parameters, CancellationToken.None);
    }

    /// <summary>Follows the cursor until <paramref name="done"/> holds for everything read so far.</summary>
    private async Task<(List<SyncChange> Changes, string Cursor)> FollowUntilAsync(Guid user, string? since, Func<List<SyncChange>, bool> done)
    {
        var changes = new List<SyncChange>();
        var deadline = DateTime.UtcNow + Patience;
        var cursor = since;
        while (true)
        {
            var page = await PageAsync(user, cursor);
            changes.AddRange(page.Changes);
            cursor = page.NextCursor;
            if (done(changes) && !page.HasMore)
            {
                return (changes, cursor);
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"The feed did not deliver what was expected within {Patience}; got: {string.Join(", ", changes.Select(c => $"{c.Id}:{c.Change}:v{c.Pattern?.Version}"))}\n{await DiagnosisAsync(user, cursor)}");
            }

            if (!page.HasMore)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>What the database says when the feed seems stuck: the bound, the writers holding it, the user's positions.</summary>
    private async Task<string> DiagnosisAsync(Guid user, string? cursor)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var horizon = await connection.ExecuteScalarAsync<string>("SELECT emoty_feed_horizon()::text");
        var snapshot = await connection.ExecuteScalarAsync<string>("SELECT pg_current_snapshot()::text");
        var writers = await connection.QueryAsync<string>("""
            SELECT w.pid || ' xid ' || coalesce(t.transactionid::text, '-') || ' ' || coalesce(a.state, '?') || ' since ' || coalesce(a.xact_start::text, '?')
            FROM pg_locks w LEFT JOIN pg_locks t ON t.pid = w.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock'
            LEFT JOIN pg_stat_activity a ON a.pid = w.pid
            WHERE w.locktype = 'advisory' AND w.objid = '71002003'::oid
            """);
        var positions = await connection.QueryAsync<string>(
            "SELECT id || ' v' || version || ' at ' || change_xid || '/' || change_seq FROM patterns WHERE user_id = @user ORDER BY change_xid, change_seq", new { user });
        return $"cursor {(cursor is null ? "none" : SyncCursor.TryDecode(cursor, TestCursors.Signer, out var c) ? $"{c.Xid}/{c.Seq}" : "?")}, " +
            $"horizon {horizon}, snapshot {snapshot}, writers [{string.Join("; ", writers)}], positions [{string.Join("; ", positions)}]";
    }

    private static bool Has(List<SyncChange> changes, Guid id, string change) => changes.Any(c => c.Id == id && c.Change == change);

    [Fact]
    public async Task a_favourite_made_private_leaves_the_feed_once_and_its_later_edits_are_not_signalled()
    {
        var owner = await db.UserAsync();
        var fan = await db.UserAsync();
        var pattern = await db.PatternAsync(owner, "Liked", isPublic: true);
        await db.ExecuteAsync("INSERT INTO pattern_favorites (user_id, pattern_id) VALUES (@fan, @pattern)", new { fan, pattern });
        var (_, cursor) = await FollowUntilAsync(fan, null, c => Has(c, pattern, SyncChange.Upsert));

        await db.ExecuteAsync("UPDATE patterns SET is_public = false, version = version + 1 WHERE id = @pattern", new { pattern });
        var (gone, afterGone) = await FollowUntilAsync(fan, cursor, c => Has(c, pattern, SyncChange.Delete));
        Assert.Null(Assert.Single(gone).Pattern);

        await db.ExecuteAsync("UPDATE patterns SET name = 'Private edit', version = version + 1 WHERE id = @pattern", new { pattern });
        var marker = await db.PatternAsync(fan, "Marker");
        var (later, _) = await FollowUntilAsync(fan, afterGone, c => Has(c, marker, SyncChange.Upsert));
        Assert.DoesNotContain(later, c => c.Id == pattern);
    }

    [Fact]
    public async Task a_change_that_commits_after_a_newer_one_is_delivered_before_the_cursor_passes_it()
    {
        var user = await db.UserAsync();
        var slow = await db.PatternAsync(user, "Slow");
        var fast = await db.PatternAsync(user, "Fast");
        var (_, cursor) = await FollowUntilAsync(user, null, c => Has(c, slow, SyncChange.Upsert) && Has(c, fast, SyncChange.Upsert));

        // The slow writer takes its transaction id first and commits last.
        await using var slowConnection = await db.DataSource.OpenConnectionAsync();
        await using var slowTransaction = await slowConnection.BeginTransactionAsync();
        await slowConnection.ExecuteAsync("UPDATE patterns SET name = 'Slow 2', version = version + 1 WHERE id = @slow", new { slow }, slowTransaction);
        await db.ExecuteAsync("UPDATE patterns SET name = 'Fast 2', version = version + 1 WHERE id = @fast", new { fast });

        // The fast change is committed and visible, but it sits behind a transaction still running: not yet.
        var held = await PageAsync(user, cursor);
        Assert.Empty(held.Changes);
        Assert.False(held.HasMore);
        Assert.Equal(cursor, held.NextCursor);

        await slowTransaction.CommitAsync();
        var (changes, _) = await FollowUntilAsync(user, cursor, c => Has(c, slow, SyncChange.Upsert) && Has(c, fast, SyncChange.Upsert));

        Assert.Equal([slow, fast], changes.Select(c => c.Id));
        Assert.Equal(["Slow 2", "Fast 2"], changes.Select(c => c.Pattern!.Name));
    }

    [Fact]
    public async Task following_the_cursor_while_writers_run_ends_on_every_patterns_last_version_in_order()
    {
        var user = await db.UserAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await db.PatternAsync(user, $"P{i}"));
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var n = 0; n < 40; n++)
            {
                await using var connection = await db.DataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                // Two patterns per transaction, in id order (no deadlocks), with a pause inside so transactions overlap.
                var pair = new[] { ids[random.Next(ids.Count)], ids[random.Next(ids.Count)] }.Distinct().Order().ToArray();
                // One row at a time: a single UPDATE … ANY(@pair) locks in whatever order its plan reads the rows.
                foreach (var id in pair)
                {
                    await connection.ExecuteAsync("UPDATE patterns SET version = version + 1 WHERE id = @id", new { id }, transaction);
                }

                await Task.Delay(random.Next(0, 15));
                await transaction.CommitAsync();
            }
        })).ToArray();

        var seen = new List<SyncChange>();
        string? cursor = null;
        while (!writers.All(w => w.IsCompleted))
        {
            var page = await PageAsync(user, cursor, limit: 5);
            seen.AddRange(page.Changes);
            cursor = page.NextCursor;
            await Task.Delay(page.HasMore ? 0 : 20);
        }

        await Task.WhenAll(writers);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var final = (await connection.QueryAsync<(Guid, int)>(
            "SELECT id, version FROM patterns WHERE user_id = @user", new { user })).ToDictionary(r => r.Item1, r => r.Item2);
        var (rest, _) = await FollowUntilAsync(user, cursor, c =>
            ids.All(id => seen.Concat(c).LastOrDefault(x => x.Id == id)?.Pattern?.Version == final[id]));
        seen.AddRange(rest);

        foreach (var id in ids)
        {
            var versions = seen.Where(c => c.Id == id).Select(c => c.Pattern!.Version).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(final[id], versions[^1]);
        }
    }

    [Fact]
    public async Task shares_and_favourites_bring_patterns_in_and_their_end_takes_them_out()
    {
        var owner = await db.UserAsync();
        var reader = await db.UserAsync();
        var shared = await db.PatternAsync(owner, "Shared");
        var expiring = await db.PatternAsync(owner, "Expiring");
        var liked = await db.PatternAsync(owner, "Liked", isPublic: true);
        var mine = await db.PatternAsync(reader, "Mine");

        await db.ExecuteAsync("""
            INSERT INTO pattern_shares (pattern_id, shared_with, permission, shared_by) VALUES (@shared, @reader, 'view', @owner);
            INSERT INTO pattern_shares (pattern_id, shared_with, permission, shared_by, expires_at) VALUES (@expiring, @reader, 'edit', @owner, now() + interval '1 hour');
            INSERT INTO pattern_favorites (user_id, pattern_id) VALUES (@reader, @liked);
            """, new { shared, expiring, liked, owner, reader });
        var (first, cursor) = await FollowUntilAsync(reader, null, c =>
            Has(c, shared, SyncChange.Upsert) && Has(c, expiring, SyncChange.Upsert) && Has(c, liked, SyncChange.Upsert) && Has(c, mine, SyncChange.Upsert));
        Assert.Equal("view", first.Single(c => c.Id == shared).Pattern!.Permission);
        Assert.Equal("edit", first.Single(c => c.Id == expiring).Pattern!.Permission);

        await db.ExecuteAsync("""
            DELETE FROM pattern_shares WHERE pattern_id = @shared;
            UPDATE pattern_shares SET expires_at = now() - interval '1 second' WHERE pattern_id = @expiring;
            DELETE FROM pattern_favorites WHERE pattern_id = @liked;
            UPDATE patterns SET deleted_at = now() WHERE id = @mine;
            """, new { shared, expiring, liked, mine });
        var (second, _) = await FollowUntilAsync(reader, cursor, c =>
            Has(c, shared, SyncChange.Delete) && Has(c, expiring, SyncChange.Delete) && Has(c, liked, SyncChange.Delete) && Has(c, mine, SyncChange.Delete));
        Assert.All(second, c => Assert.Null(c.Pattern));
        Assert.DoesNotContain(second, c => c.Change == SyncChange.Upsert);
    }

    [Fact]
    public async Task a_favourite_made_private_by_its_owner_becomes_a_tombstone_and_others_patterns_never_appear()
    {
        var owner = await db.UserAsync();
        var fan = await db.UserAsync();
        var liked = await db.PatternAsync(owner, "Liked", isPublic: true);
        var unrelated = await db.PatternAsync(owner, "Unrelated", isPublic: true);
        await db.ExecuteAsync("INSERT INTO pattern_favorites (user_id, pattern_id) VALUES (@fan, @liked)", new { fan, liked });
        var (_, cursor) = await FollowUntilAsync(fan, null, c => Has(c, liked, SyncChange.Upsert));

        await db.ExecuteAsync("UPDATE patterns SET is_public = false, version = version + 1 WHERE id IN (@liked, @unrelated)", new { liked, unrelated });
        var (changes, _) = await FollowUntilAsync(fan, cursor, c => Has(c, liked, SyncChange.Delete));

        Assert.DoesNotContain(changes, c => c.Id == unrelated);
    }

    [Fact]
    public async Task a_long_transaction_that_writes_no_feed_row_holds_no_pull_back()
    {
        var user = await db.UserAsync();
        var pattern = await db.PatternAsync(user, "Before");
        var (_, cursor) = await FollowUntilAsync(user, null, c => Has(c, pattern, SyncChange.Upsert));

        // Held open across the pull: a write elsewhere (so it has a transaction id) and an analytics refresh.
        await using var elsewhere = await db.DataSource.OpenConnectionAsync();
        await using var held = await elsewhere.BeginTransactionAsync();
        await elsewhere.ExecuteAsync("UPDATE users SET last_seen_at = now() WHERE id = @user", new { user }, held);
        Assert.True(await elsewhere.ExecuteScalarAsync<bool>("SELECT pg_current_xact_id_if_assigned() IS NOT NULL", transaction: held));
        await using var refreshing = await db.DataSource.OpenConnectionAsync();
        await using var refresh = await refreshing.BeginTransactionAsync();
        await refreshing.ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY user_analytics", transaction: refresh);

        await db.ExecuteAsync("UPDATE patterns SET name = 'After', version = version + 1 WHERE id = @pattern", new { pattern });

        // The very next pull has it: nothing to wait for.
        var page = await PageAsync(user, cursor);
        Assert.Equal("After", Assert.Single(page.Changes).Pattern!.Name);
    }

    [Fact]
    public async Task a_transaction_that_wrote_before_joining_the_feed_writers_may_not_change_the_feed()
    {
        var user = await db.UserAsync();
        var pattern = await db.PatternAsync(user, "Guarded");
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("UPDATE users SET last_seen_at = now() WHERE id = @user", new { user }, transaction);

        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            connection.ExecuteAsync("UPDATE patterns SET version = version + 1 WHERE id = @pattern", new { pattern }, transaction));
        Assert.Contains("must join its writers", refused.MessageText);
    }

    [Fact]
    public async Task a_cursor_from_before_pruned_history_is_410_and_a_sync_without_one_starts_over()
    {
        var owner = await db.UserAsync();
        var fan = await db.UserAsync();
        var own = await db.PatternAsync(fan, "Own");
        var liked = await db.PatternAsync(owner, "Long liked", isPublic: true);
        var (_, before) = await FollowUntilAsync(fan, null, c => Has(c, own, SyncChange.Upsert));
        await db.ExecuteAsync("INSERT INTO pattern_favorites (user_id, pattern_id) VALUES (@fan, @liked)", new { fan, liked });
        var (_, after) = await FollowUntilAsync(fan, before, c => Has(c, liked, SyncChange.Upsert));

        // The favourite's feed event grows older than the retention, and the pruning takes it.
        await db.ExecuteAsync("UPDATE sync_feed_events SET created_at = now() - interval '31 days' WHERE user_id = @fan", new { fan });
        Assert.True(await db.Service.PruneFeedAsync(CancellationToken.None) >= 1);

        var expired = await Assert.ThrowsAsync<Errors.EmotyException>(() => PageAsync(fan, before));
        Assert.Equal(Errors.ProblemCode.CursorExpired, expired.Code);
        Assert.Empty((await PageAsync(fan, after)).Changes);
        var (fresh, _) = await FollowUntilAsync(fan, null, c => Has(c, own, SyncChange.Upsert) && Has(c, liked, SyncChange.Upsert));
        Assert.Equal(2, fresh.Count);

        // A resync a page at a time walks through positions older than the pruning without a 410.
        var walked = new List<SyncChange>();
        string? cursor = null;
        do
        {
            var page = await PageAsync(fan, cursor, limit: 1);
            walked.AddRange(page.Changes);
            cursor = page.HasMore ? page.NextCursor : null;
        }
        while (cursor is not null);

        Assert.Equal(fresh.Select(c => c.Id).Order(), walked.Select(c => c.Id).Order());
    }
}
