using Azure.Storage.Queues;

namespace Emoty.Functions.Tests;

/// <summary>Usage events through the real queue into rollups, counters and the materialized view, and the figures out.</summary>
[Collection(AppCollection.Name)]
public sealed class AnalyticsTests(EmotyApp app)
{
    private sealed record Stats(long Views, long Likes, long Shares, long Copies, long Downloads, long Edits, long UniqueUsers);

    private async Task<Stats> StatsAsync(Guid pattern)
    {
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        return await db.QuerySingleAsync<Stats>("""
            SELECT coalesce(sum(views), 0)::bigint AS views, coalesce(sum(likes), 0)::bigint AS likes, coalesce(sum(shares), 0)::bigint AS shares,
                   coalesce(sum(copies), 0)::bigint AS copies, coalesce(sum(downloads), 0)::bigint AS downloads,
                   coalesce(sum(edits), 0)::bigint AS edits, coalesce(sum(unique_users), 0)::bigint AS uniqueusers
            FROM pattern_usage_stats WHERE pattern_id = @pattern
            """, new { pattern });
    }

    private async Task RefreshViewAsync()
    {
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        await db.ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY user_analytics");
    }

    private async Task<Guid> PublicPatternAsync(Guid owner, string name = "Counted") =>
        (await app.CreatePatternAsync(owner, new { name, sequence = new[] { "📈" }, is_public = true, tags = new[] { "analytics" } })).Id();

    [Fact]
    public async Task posted_events_are_aggregated_through_the_queue_once_each()
    {
        var owner = Guid.NewGuid();
        var fan = Guid.NewGuid();
        var pattern = await PublicPatternAsync(owner);
        var retried = Guid.NewGuid();
        object Event(string type, Guid? eventId = null) => eventId is { } id ? new { pattern_id = pattern, type, event_id = id } : new { pattern_id = pattern, type };

        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/events", fan, new
        {
            events = new[] { Event("like"), Event("share"), Event("download"), Event("copy"), Event("edit"), Event("view"), Event("view"), Event("share", retried) },
        });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(8, body.GetProperty("accepted").GetInt32());
        // The client retries a post it did not hear back from: the event with the same id counts once.
        // A post's events are one queue message, ingested in one transaction: the marker download on
        // another pattern, counted, says the retried share has been through ingestion too.
        var marker = await PublicPatternAsync(owner);
        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/events", fan, new
        {
            events = new object[] { Event("share", retried), new { pattern_id = marker, type = "download" } },
        })).Status);

        // Each kind once per viewer and 10 minutes: the second view and the second share do not count.
        await Eventually.TrueAsync(async () => await StatsAsync(pattern) == new Stats(1, 1, 1, 1, 1, 1, 1), "the events were not aggregated");
        await Eventually.TrueAsync(async () => (await StatsAsync(marker)).Downloads == 1, "the retried post was not ingested");
        Assert.Equal(new Stats(1, 1, 1, 1, 1, 1, 1), await StatsAsync(pattern));

        var read = (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", owner)).Body;
        Assert.Equal(1, read.GetProperty("share_count").GetInt64());
        Assert.Equal(1, read.GetProperty("download_count").GetInt64());
        Assert.Equal(0, read.GetProperty("like_count").GetInt64()); // likes are favourites, not events
    }

    [Fact]
    public async Task reading_a_pattern_counts_one_view_per_viewer_per_ten_minutes()
    {
        var owner = Guid.NewGuid();
        var pattern = await PublicPatternAsync(owner);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        // A visitor is the address the front end (here the local host) appended last; what the client wrote before it does not count.
        var visits = new (Guid?, string?)[]
        {
            (first, null), (first, null), (first, null), (second, null),
            (null, "203.0.113.7:51234"), (null, "10.9.9.9, 203.0.113.7:40000"), (null, "spoofed, 198.51.100.4"),
        };
        foreach (var (user, forwardedFor) in visits)
        {
            var (status, _, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", user,
                configure: r => { if (forwardedFor is not null) { r.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor); } });
            Assert.Equal(HttpStatusCode.OK, status);
        }

        // A marker read after them: once it is counted and the usage queue holds nothing more (invisible
        // messages count too), every view the reads before it sent has been through the aggregation.
        var marker = Guid.NewGuid();
        (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", marker)).Response.Dispose();
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        var usageQueue = new QueueClient(app.Settings["AzureWebJobsStorage"], app.Settings["UsageEventsQueue"]);
        await Eventually.TrueAsync(async () =>
            await db.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pattern_viewers WHERE pattern_id = @pattern AND viewer = @viewer)",
                new { pattern, viewer = $"u:{marker:N}" })
            && (await usageQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the marker read was not counted");
        var stats = await StatsAsync(pattern);
        Assert.Equal(4, stats.Views);
        Assert.Equal(4, stats.UniqueUsers);
        await Eventually.TrueAsync(async () => (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", owner)).Body.GetProperty("view_count").GetInt64() == 5,
            "view_count did not reach 5 (three viewers, the marker and the owner)");
    }

    [Fact]
    public async Task an_anonymous_reader_cannot_pass_for_many_by_writing_x_forwarded_for()
    {
        var pattern = await PublicPatternAsync(Guid.NewGuid());
        for (var i = 1; i <= 5; i++)
        {
            var (status, _, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}",
                configure: request => request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}"));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        // A signed-in reader after them, as the marker that the anonymous reads have been counted.
        (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", Guid.NewGuid())).Response.Dispose();
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        await Eventually.TrueAsync(async () => await db.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pattern_viewers WHERE pattern_id = @pattern AND viewer LIKE 'u:%')", new { pattern }), "the marker read was not counted");

        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM pattern_viewers WHERE pattern_id = @pattern AND viewer LIKE 'a:%'", new { pattern }));
    }

    [Fact]
    public async Task back_dated_bursts_count_once_per_kind_and_viewer()
    {
        var pattern = await PublicPatternAsync(Guid.NewGuid());
        var fan = Guid.NewGuid();
        var now = DateTime.UtcNow;
        var burst = Enumerable.Range(1, 50).SelectMany(i => new[]
        {
            new { pattern_id = pattern, type = "download", occurred_at = now.AddMinutes(-11 * i) },
            new { pattern_id = pattern, type = "view", occurred_at = now.AddMinutes(-11 * i) },
        }).ToArray();

        // Each post carries a marker download on a pattern of its own, in the same queue message (one
        // transaction): both markers counted, both posts have been through ingestion.
        var markers = new[] { await PublicPatternAsync(Guid.NewGuid()), await PublicPatternAsync(Guid.NewGuid()) };
        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/events", fan,
            new { events = burst.Append(new { pattern_id = markers[0], type = "download", occurred_at = now }).ToArray() })).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/events", fan, new
        {
            events = new[]
            {
                new { pattern_id = pattern, type = "download", occurred_at = now.AddDays(-20) },
                new { pattern_id = markers[1], type = "download", occurred_at = now },
            },
        })).Status);

        foreach (var marker in markers)
        {
            await Eventually.TrueAsync(async () => (await StatsAsync(marker)).Downloads == 1, "a post was not ingested");
        }

        var stats = await StatsAsync(pattern);
        Assert.Equal((1L, 1L), (stats.Downloads, stats.Views));
    }

    [Fact]
    public async Task events_for_patterns_the_sender_cannot_read_are_not_counted()
    {
        var owner = Guid.NewGuid();
        var stranger = Guid.NewGuid();
        var secret = (await app.CreatePatternAsync(owner, new { name = "Private", sequence = new[] { "🔒" } })).Id();
        var open = await PublicPatternAsync(owner);

        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/events", stranger,
            new { events = new[] { new { pattern_id = secret, type = "download" }, new { pattern_id = open, type = "download" } } })).Status);
        // The copy of the open pattern in the same post (one queue message, one transaction) is the
        // marker that the anonymous post has been through ingestion.
        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/events", null, new
        {
            events = new[] { new { pattern_id = secret, type = "copy" }, new { pattern_id = Guid.NewGuid(), type = "copy" }, new { pattern_id = open, type = "copy" } },
        })).Status);

        await Eventually.TrueAsync(async () => await StatsAsync(open) is { Downloads: 1, Copies: 1 }, "the readable pattern's events were not counted");
        Assert.Equal(new Stats(0, 0, 0, 0, 0, 0, 0), await StatsAsync(secret));
    }

    [Theory]
    [InlineData("""{"events":[]}""", "events")]
    [InlineData("""{"events":[{"pattern_id":"nope","type":"view"}]}""", "events[0].pattern_id")]
    [InlineData("""{"events":[{"pattern_id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11","type":"stare"}]}""", "events[0].type")]
    [InlineData("""{"events":[{"pattern_id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11","type":"view","occurred_at":"2001-01-01T00:00:00Z"}]}""", "events[0].occurred_at")]
    [InlineData("""{"events":[{"pattern_id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11","type":"view","extra":1}]}""", "events[0].extra")]
    [InlineData("""{"events":[{"type":"view"}]}""", "events[0].pattern_id")]
    [InlineData("""{"evnts":[]}""", "evnts")]
    public async Task bad_events_are_400_at_their_path(string json, string path)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/events", Guid.NewGuid(), json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
    }

    [Fact]
    public async Task more_than_500_events_is_400()
    {
        var events = Enumerable.Range(0, 501).Select(_ => new { pattern_id = Guid.NewGuid(), type = "view" }).ToArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Post, "api/events", Guid.NewGuid(), new { events })).Status);
    }

    [Fact]
    public async Task pattern_figures_are_for_owner_and_admins_with_30_days_and_totals_from_the_view()
    {
        var owner = Guid.NewGuid();
        var users = new Dictionary<string, Guid> { ["admin"] = Guid.NewGuid(), ["edit"] = Guid.NewGuid(), ["view"] = Guid.NewGuid() };
        var pattern = (await app.CreatePatternAsync(owner, new { name = "Managed", sequence = new[] { "📊" } })).Id();
        foreach (var (permission, user) in users)
        {
            await app.SendAsync(HttpMethod.Get, "api/me", user);
            Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", owner, new { user_id = user, permission })).Status);
        }

        await app.SendAsync(HttpMethod.Post, "api/events", users["view"], new { events = new[] { new { pattern_id = pattern, type = "download" } } });
        await Eventually.TrueAsync(async () => (await StatsAsync(pattern)).Downloads == 1, "the download was not counted");
        await RefreshViewAsync();

        var dayBefore = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var (status, figures, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", owner);
        var dayAfter = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, figures.GetProperty("totals").GetProperty("downloads").GetInt64());
        Assert.Equal(1, figures.GetProperty("unique_users").GetInt64());
        Assert.Equal(0, figures.GetProperty("collection_count").GetInt64());
        var daily = figures.GetProperty("daily").EnumerateArray().ToList();
        Assert.Equal(30, daily.Count);
        // The series ends on the day the request was served; a run may cross midnight, so that is one of two.
        Assert.Contains(daily[^1].GetProperty("date").GetString(), new[] { dayBefore, dayAfter });
        Assert.Equal(1, daily.Sum(d => d.GetProperty("downloads").GetInt64()));
        Assert.NotEqual(JsonValueKind.Null, figures.GetProperty("refreshed_at").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", users["admin"])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", users["edit"])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", users["view"])).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", Guid.NewGuid())).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics")).Status);
    }

    [Fact]
    public async Task my_figures_count_my_patterns_by_month_tag_and_difficulty()
    {
        var me = Guid.NewGuid();
        await app.CreatePatternAsync(me, new { name = "Easy", sequence = new[] { "🌱" }, tags = new[] { "garden", "green" }, difficulty_rating = 1 });
        await app.CreatePatternAsync(me, new { name = "Hard", sequence = new[] { "🌋" }, tags = new[] { "garden" }, difficulty_rating = 5, is_public = true });

        var monthBefore = DateTime.UtcNow.ToString("yyyy-MM");
        var (status, figures, _) = await app.SendAsync(HttpMethod.Get, "api/me/analytics", me);
        var monthAfter = DateTime.UtcNow.ToString("yyyy-MM");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, figures.GetProperty("totals").GetProperty("patterns").GetInt64());
        Assert.Equal(1, figures.GetProperty("totals").GetProperty("public_patterns").GetInt64());
        var monthly = figures.GetProperty("monthly").EnumerateArray().ToList();
        Assert.Equal(12, monthly.Count);
        Assert.Contains(monthly[^1].GetProperty("month").GetString(), new[] { monthBefore, monthAfter });
        Assert.Equal(2, monthly.Sum(m => m.GetProperty("patterns_created").GetInt64()));
        Assert.Equal(("garden", 2L), (figures.GetProperty("top_tags")[0].GetProperty("tag").GetString(), figures.GetProperty("top_tags")[0].GetProperty("count").GetInt64()));
        var difficulty = figures.GetProperty("difficulty").EnumerateArray().Select(d => d.GetProperty("count").GetInt64()).ToArray();
        Assert.Equal(new long[] { 1, 0, 0, 0, 1 }, difficulty);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "api/me/analytics")).Status);
    }

    [Fact]
    public async Task platform_figures_and_the_feed_are_public_and_name_only_public_patterns()
    {
        var creator = Guid.NewGuid();
        var name = "Feed " + Guid.NewGuid().ToString("N")[..8];
        var open = await PublicPatternAsync(creator, name);
        var hidden = (await app.CreatePatternAsync(creator, new { name = "Hidden " + name, sequence = new[] { "🙈" } })).Id();

        // The shared app holds every other test's patterns too: exact figures are checked on an app of its own below.
        var (status, platform, _) = await app.SendAsync(HttpMethod.Get, "api/analytics/platform");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(platform.GetProperty("patterns").GetInt64() >= 2);
        var likes = platform.GetProperty("top_creators").EnumerateArray().Select(c => c.GetProperty("likes").GetInt64()).ToList();
        Assert.InRange(likes.Count, 1, 10);
        Assert.Equal(likes.OrderDescending(), likes);

        var (feedStatus, feed, _) = await app.SendAsync(HttpMethod.Get, "api/analytics/feed?limit=100");
        Assert.Equal(HttpStatusCode.OK, feedStatus);
        var items = feed.GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("pattern_id").GetGuid() == open && i.GetProperty("type").GetString() == "create");
        Assert.DoesNotContain(items, i => i.GetProperty("pattern_id").GetGuid() == hidden);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "api/analytics/feed?limit=0")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "api/analytics/feed?since=yesterday")).Status);
    }

    [Fact]
    public async Task my_usage_exports_as_csv_and_json_and_only_mine()
    {
        var me = Guid.NewGuid();
        var pattern = await PublicPatternAsync(Guid.NewGuid());
        var mine = Guid.NewGuid();
        await app.SendAsync(HttpMethod.Post, "api/events", me, new { events = new[] { new { pattern_id = pattern, type = "copy", event_id = mine } } });
        await app.SendAsync(HttpMethod.Post, "api/events", Guid.NewGuid(), new { events = new[] { new { pattern_id = pattern, type = "copy" } } });
        await Eventually.TrueAsync(async () => (await StatsAsync(pattern)).Copies == 2, "the copies were not counted");

        using var csv = await app.Http.SendAsync(app.Request(HttpMethod.Get, "api/me/analytics/export?format=csv", me));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("event_id,pattern_id,type,occurred_at", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{mine},{pattern},copy,", lines[1]);

        var (status, json, _) = await app.SendAsync(HttpMethod.Get, "api/me/analytics/export?format=json", me);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(mine, json.GetProperty("events")[0].GetProperty("event_id").GetGuid());
        Assert.Equal(1, json.GetProperty("events").GetArrayLength());

        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "api/me/analytics/export?format=xml", me)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "api/me/analytics/export?format=csv")).Status);
    }
}

/// <summary>An app of its own: exact platform figures, and the refresh timer on a one-second schedule (from its setting).</summary>
public sealed class AnalyticsOwnAppTests() : OwnAppTests(new() { ["AnalyticsRefreshSchedule"] = "*/1 * * * * *" })
{
    [Fact]
    public async Task platform_figures_count_users_patterns_tags_and_creators()
    {
        var creator = Guid.NewGuid();
        var fans = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        var liked = (await App.CreatePatternAsync(creator, new { name = "Loved", sequence = new[] { "🥰" }, is_public = true, tags = new[] { "love", "pink" } })).Id();
        await App.CreatePatternAsync(creator, new { name = "Also", sequence = new[] { "💗" }, is_public = true, tags = new[] { "love" } });
        await App.CreatePatternAsync(fans[0], new { name = "Private", sequence = new[] { "🔒" }, tags = new[] { "secret" } });
        foreach (var fan in fans)
        {
            Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Post, $"api/patterns/{liked}/favorite", fan)).Status);
        }

        var (status, platform, _) = await App.SendAsync(HttpMethod.Get, "api/analytics/platform");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, platform.GetProperty("users").GetInt64());
        Assert.Equal(4, platform.GetProperty("active_users").GetInt64());
        Assert.Equal(3, platform.GetProperty("patterns").GetInt64());
        Assert.Equal(2, platform.GetProperty("public_patterns").GetInt64());
        Assert.Equal(0, platform.GetProperty("collections").GetInt64());
        var tags = platform.GetProperty("top_tags").EnumerateArray().Select(t => (t.GetProperty("tag").GetString(), t.GetProperty("count").GetInt64())).ToArray();
        Assert.Equal([("love", 2L), ("pink", 1L)], tags);
        var trend = platform.GetProperty("creation_trend").EnumerateArray().ToList();
        Assert.Equal(30, trend.Count);
        Assert.Equal(3, trend[^1].GetProperty("patterns").GetInt64());
        var top = Assert.Single(platform.GetProperty("top_creators").EnumerateArray());
        Assert.Equal((creator, 2L, 3L), (top.GetProperty("user_id").GetGuid(), top.GetProperty("public_patterns").GetInt64(), top.GetProperty("likes").GetInt64()));
    }

    [Fact]
    public async Task the_timer_refreshes_the_creators_figures_repeatedly()
    {
        var owner = Guid.NewGuid();
        var pattern = (await App.CreatePatternAsync(owner, new { name = "Timed", sequence = new[] { "⏱️" }, is_public = true })).Id();
        Assert.Equal(HttpStatusCode.Accepted, (await App.SendAsync(HttpMethod.Post, "api/events", Guid.NewGuid(),
            new { events = new[] { new { pattern_id = pattern, type = "download" } } })).Status);
        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        await Eventually.TrueAsync(async () => await db.ExecuteScalarAsync<long?>("SELECT downloads FROM user_analytics WHERE user_id = @owner", new { owner }) == 1,
            "the creator's download never reached user_analytics");
        var first = await db.ExecuteScalarAsync<DateTime>("SELECT refreshed_at FROM analytics_refresh");
        await Eventually.TrueAsync(async () => await db.ExecuteScalarAsync<DateTime>("SELECT refreshed_at FROM analytics_refresh") > first,
            "user_analytics was not refreshed again");
        var (_, mine, _) = await App.SendAsync(HttpMethod.Get, "api/me/analytics", owner);
        Assert.Equal(1, mine.GetProperty("totals").GetProperty("downloads").GetInt64());
        Assert.True(mine.GetProperty("refreshed_at").GetDateTime() >= first);
        var (_, figures, _) = await App.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/analytics", owner);
        Assert.Equal(1, figures.GetProperty("totals").GetProperty("downloads").GetInt64());
    }
}
