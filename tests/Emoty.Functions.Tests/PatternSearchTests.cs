namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class PatternSearchTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();
    private readonly string _tag = "t" + Guid.NewGuid().ToString("N")[..12];

    private async Task CreateManyAsync(Guid owner, int count, Func<int, object> pattern)
    {
        for (var start = 0; start < count; start += 500)
        {
            var operations = Enumerable.Range(start, Math.Min(500, count - start)).Select(i => new { op = "create", pattern = pattern(i) }).ToArray();
            var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", owner, new { operations });
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        }
    }

    private static Guid[] Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(p => p.Id()).ToArray();

    [Theory]
    [InlineData("created_at", "desc")]
    [InlineData("name", "asc")]
    [InlineData("like_count", "desc")]
    public async Task paging_through_1000_matches_with_a_cursor_returns_each_exactly_once_while_others_are_inserted(string sort, string direction)
    {
        await CreateManyAsync(_owner, 1000, i => new { name = $"Paged {i:D4}", sequence = new[] { "🐚", "🌊" }, tags = new[] { _tag }, is_public = true });
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        var originals = (await db.QueryAsync<Guid>("SELECT id FROM patterns WHERE @tag = ANY(tags)", new { tag = _tag })).ToHashSet();
        Assert.Equal(1000, originals.Count);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"api/patterns?tags={_tag}&sort={sort}&direction={direction}&limit=100" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var (status, page, _) = await app.SendAsync(HttpMethod.Get, url, _other);
            Assert.True(status == HttpStatusCode.OK, page.ToString());
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_cursor").GetString();
            // Someone else keeps publishing matching patterns between the pages.
            await app.CreatePatternAsync(_owner, new { name = $"Paged {pages:D4} late", sequence = new[] { "🐚" }, tags = new[] { _tag }, is_public = true });
            pages++;
        }
        while (cursor is not null && pages < 50);

        var originalSeen = seen.Where(originals.Contains).ToList();
        Assert.Equal(1000, originalSeen.Count);
        Assert.Equal(1000, originalSeen.Distinct().Count());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task anonymous_callers_see_public_patterns_and_signed_in_callers_also_their_own_and_shared_ones()
    {
        var publicId = (await app.CreatePatternAsync(_owner, new { name = "Vis public", sequence = new[] { "🌞" }, tags = new[] { _tag }, is_public = true })).Id();
        var privateId = (await app.CreatePatternAsync(_owner, new { name = "Vis private", sequence = new[] { "🌚" }, tags = new[] { _tag } })).Id();
        var sharedId = (await app.CreatePatternAsync(_owner, new { name = "Vis shared", sequence = new[] { "🌗" }, tags = new[] { _tag } })).Id();
        var expiredId = (await app.CreatePatternAsync(_owner, new { name = "Vis expired", sequence = new[] { "🌘" }, tags = new[] { _tag } })).Id();
        await using (var db = new NpgsqlConnection(app.DatabaseConnectionString))
        {
            await db.ExecuteAsync("INSERT INTO users (id) VALUES (@other) ON CONFLICT DO NOTHING", new { other = _other });
            await db.ExecuteAsync("""
                INSERT INTO pattern_shares (pattern_id, shared_with, permission, shared_by, expires_at) VALUES
                  (@sharedId, @other, 'view', @owner, NULL), (@expiredId, @other, 'edit', @owner, now() - interval '1 second')
                """, new { sharedId, expiredId, other = _other, owner = _owner });
        }

        var (_, anonymous, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}");
        Assert.Equal([publicId], Ids(anonymous));

        var (_, owner, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}", _owner);
        Assert.Equal(new[] { publicId, privateId, sharedId, expiredId }.Order(), Ids(owner).Order());

        var (_, other, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}", _other);
        Assert.Equal(new[] { publicId, sharedId }.Order(), Ids(other).Order());
        Assert.Equal("view", other.GetProperty("data").EnumerateArray().Single(p => p.Id() == sharedId).GetProperty("permission").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{expiredId}", _other)).Status);

        var (_, privateOnly, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&is_public=false", _owner);
        Assert.Equal(new[] { privateId, sharedId, expiredId }.Order(), Ids(privateOnly).Order());
    }

    [Fact]
    public async Task full_text_search_ranks_name_matches_first_and_honours_phrases_and_exclusions()
    {
        await app.CreatePatternAsync(_owner, new { name = "Golden sunset", sequence = new[] { "🌅" }, tags = new[] { _tag }, is_public = true });
        await app.CreatePatternAsync(_owner, new { name = "Beach day", description = "a sunset by the ocean", sequence = new[] { "🏖️" }, tags = new[] { _tag }, is_public = true });
        await app.CreatePatternAsync(_owner, new { name = "Ocean sunset", sequence = new[] { "🌊" }, tags = new[] { _tag }, is_public = true });

        var (status, page, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&query=sunset", _other);
        Assert.Equal(HttpStatusCode.OK, status);
        var names = page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Equal(3, names.Length);
        Assert.Equal("Beach day", names[^1]);

        var (_, excluded, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&query={Uri.EscapeDataString("sunset -ocean")}", _other);
        Assert.Equal(["Golden sunset"], excluded.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        var (_, phrase, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&query={Uri.EscapeDataString("\"golden sunset\"")}", _other);
        Assert.Single(phrase.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task tags_require_all_any_tags_require_one_and_ranges_filter()
    {
        var both = (await app.CreatePatternAsync(_owner, new { name = "Both", sequence = new[] { "🍓", "🍊" }, tags = new[] { _tag, "red", "fruit" }, difficulty_rating = 2, is_public = true })).Id();
        var one = (await app.CreatePatternAsync(_owner, new { name = "One", sequence = new[] { "🍓" }, tags = new[] { _tag, "red" }, difficulty_rating = 4, is_public = true })).Id();

        var (_, all, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag},red,fruit", _other);
        Assert.Equal([both], Ids(all));
        var (_, any, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&any_tags=fruit,nothing", _other);
        Assert.Equal([both], Ids(any));
        var (_, hard, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&difficulty_min=3&difficulty_max=5", _other);
        Assert.Equal([one], Ids(hard));
        var (_, sized, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&size_min=3", _other);
        Assert.Equal([both], Ids(sized));
        var (_, byUser, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&user_id={_owner}&sort=difficulty_rating&direction=asc", _other);
        Assert.Equal([both, one], Ids(byUser));
    }

    [Fact]
    public async Task total_and_facets_are_returned_only_when_asked()
    {
        await app.CreatePatternAsync(_owner, new { name = "Facet a", sequence = new[] { "🍋" }, tags = new[] { _tag, "yellow" }, difficulty_rating = 2, is_public = true });
        await app.CreatePatternAsync(_owner, new { name = "Facet b", sequence = new[] { "🍋" }, tags = new[] { _tag }, difficulty_rating = 2, is_public = true });

        var (_, plain, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}", _other);
        Assert.False(plain.TryGetProperty("total", out _));
        Assert.False(plain.TryGetProperty("facets", out _));

        var (_, rich, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&include=total,facets&limit=1", _other);
        Assert.Equal(2, rich.GetProperty("total").GetInt64());
        Assert.True(rich.GetProperty("total_is_exact").GetBoolean());
        var tags = rich.GetProperty("facets").GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("tag").GetString()!, t => t.GetProperty("count").GetInt64());
        Assert.Equal(2, tags[_tag]);
        Assert.Equal(1, tags["yellow"]);
        var rating = Assert.Single(rich.GetProperty("facets").GetProperty("difficulty_ratings").EnumerateArray());
        Assert.Equal((2, 2L), (rating.GetProperty("rating").GetInt32(), rating.GetProperty("count").GetInt64()));
        Assert.Equal("default", rich.GetProperty("facets").GetProperty("palettes")[0].GetProperty("palette_id").GetString());
    }

    [Fact]
    public async Task offset_pages_like_a_cursor()
    {
        await CreateManyAsync(_owner, 5, i => new { name = $"Offset {i}", sequence = new[] { "🎈" }, tags = new[] { _tag }, is_public = true });

        var (_, first, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&sort=name&direction=asc&limit=2", _other);
        var (_, second, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&sort=name&direction=asc&limit=2&offset=2", _other);
        var (_, byCursor, _) = await app.SendAsync(HttpMethod.Get,
            $"api/patterns?tags={_tag}&sort=name&direction=asc&limit=2&cursor={Uri.EscapeDataString(first.GetProperty("next_cursor").GetString()!)}", _other);
        Assert.Equal(Ids(byCursor), Ids(second));
    }

    [Theory]
    [InlineData("sort=popularity", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("difficulty_min=4&difficulty_max=2", "difficulty_min")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("created_after=yesterday", "created_after")]
    [InlineData("offset=10001", "offset")]
    [InlineData("colour=red", "colour")]
    [InlineData("sort=relevance", "sort")]
    public async Task bad_search_parameters_are_400_naming_the_parameter(string query, string parameter)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Get, "api/patterns?" + query, _other);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.Code());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task a_cursor_from_another_search_is_400()
    {
        await CreateManyAsync(_owner, 3, i => new { name = $"Cursor {i}", sequence = new[] { "🎈" }, tags = new[] { _tag }, is_public = true });
        var (_, page, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&limit=1", _other);
        var cursor = Uri.EscapeDataString(page.GetProperty("next_cursor").GetString()!);

        var (status, problem, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag},other&limit=1&cursor={cursor}", _other);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task favorited_by_me_filters_to_the_callers_favourites_and_needs_a_caller()
    {
        var liked = (await app.CreatePatternAsync(_owner, new { name = "Liked", sequence = new[] { "💖" }, tags = new[] { _tag }, is_public = true })).Id();
        await app.CreatePatternAsync(_owner, new { name = "Ignored", sequence = new[] { "🫥" }, tags = new[] { _tag }, is_public = true });
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{liked}/favorite", _other)).Response.Dispose();

        var (_, page, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns?tags={_tag}&favorited_by_me=true", _other);
        Assert.Equal([liked], Ids(page));
        Assert.True(page.GetProperty("data")[0].GetProperty("is_favorited").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, $"api/patterns?favorited_by_me=true")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "api/me/favorites")).Status);
    }
}

/// <summary>The timer that copies ANALYZE's shares of words and tags for search, on a one-second schedule, in an app of its own.</summary>
public sealed class SearchStatisticsTimerTests() : OwnAppTests(new() { ["SearchStatisticsSchedule"] = "*/1 * * * * *" })
{
    [Fact]
    public async Task the_timer_brings_what_analyze_measured_to_search()
    {
        var owner = Guid.NewGuid();
        var tag = "t" + Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < 3; i++)
        {
            await App.CreatePatternAsync(owner, new { name = $"Counted {i}", sequence = new[] { "📊" }, tags = new[] { tag }, is_public = true });
        }

        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        Assert.Null(await db.ExecuteScalarAsync<double?>("SELECT emoty_element_share('tags', @tag)", new { tag }));
        await db.ExecuteAsync("ANALYZE patterns");

        // Every pattern of this app's database has the tag.
        await Eventually.TrueAsync(async () => await db.ExecuteScalarAsync<double?>("SELECT emoty_element_share('tags', @tag)", new { tag }) == 1.0,
            "the timer did not copy the tag's share from the statistics");
    }
}
