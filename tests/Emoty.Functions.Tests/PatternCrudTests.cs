namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class PatternCrudTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();

    [Fact]
    public async Task the_editors_concentric_save_call_creates_a_positioned_grid_with_computed_figures()
    {
        var (status, body, response) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner,
            new { name = "  Heart Bloom  ", sequence = new[] { "❤️", "🌸", "🌷" } });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal($"/api/patterns/{body.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("Heart Bloom", body.GetProperty("name").GetString());
        Assert.Equal(5, body.GetProperty("size").GetInt32());
        Assert.Equal("default", body.GetProperty("palette_id").GetString());
        Assert.Equal(25, body.GetProperty("sequence").GetProperty("emojis").GetArrayLength());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("owner", body.GetProperty("permission").GetString());
        Assert.Equal(_owner, body.GetProperty("user_id").GetGuid());
        Assert.InRange(body.GetProperty("complexity_score").GetDecimal(), 0.01m, 10m);
        Assert.True(body.GetProperty("estimated_time_minutes").GetInt32() >= 1);
        Assert.False(body.GetProperty("is_favorited").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("description").ValueKind);
    }

    [Fact]
    public async Task creating_anonymously_is_401()
    {
        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", null, new { name = "x", sequence = new[] { "❤️" } });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.Code());
    }

    [Fact]
    public async Task invalid_fields_are_400_with_json_paths()
    {
        var (status, body, response) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, new
        {
            name = "",
            size = 2,
            palette_id = "p",
            sequence = new { emojis = new object[] { new { emoji = "🌅", position = new { row = 0, col = 5 } }, new { emoji = "ab", position = new { row = 0, col = 0 } } } },
            tags = new[] { "ok", "" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("validation_failed", body.Code());
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("sequence.emojis[0].position.col", out _));
        Assert.True(errors.TryGetProperty("sequence.emojis[1].emoji", out _));
        Assert.True(errors.TryGetProperty("tags[1]", out _));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("user_id")]
    [InlineData("like_count")]
    [InlineData("complexity_score")]
    [InlineData("created_at")]
    [InlineData("not_a_field")]
    public async Task server_owned_and_unknown_fields_are_rejected_not_ignored(string field)
    {
        var json = $$"""{"name":"Mass assignment","sequence":["❤️"],"{{field}}":1}""";
        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_415_and_malformed_json_is_400()
    {
        using var plain = app.Request(HttpMethod.Post, "api/patterns", _owner);
        plain.Content = new StringContent("name=x");
        using var plainResponse = await app.Http.SendAsync(plain);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainResponse.StatusCode);

        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, "{\"name\": ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.Code());
    }

    [Fact]
    public async Task a_body_over_one_mebibyte_is_413()
    {
        var huge = "{\"name\":\"x\",\"description\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";
        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", body.Code());
    }

    [Fact]
    public async Task reading_returns_the_etag_and_if_none_match_gives_304()
    {
        var created = await app.CreatePatternAsync(_owner);

        var (status, _, response) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{created.Id()}", _owner);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);

        var (notModified, _, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{created.Id()}", _owner,
            configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"1\""));
        Assert.Equal(HttpStatusCode.NotModified, notModified);
    }

    [Fact]
    public async Task a_partial_update_changes_only_the_given_fields_and_bumps_the_version()
    {
        var created = await app.CreatePatternAsync(_owner, new { name = "Before", sequence = new[] { "❤️", "🌸" }, tags = new[] { "love" }, description = "keep me" });

        var (status, body, response) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{created.Id()}", _owner, new { name = "After" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("After", body.GetProperty("name").GetString());
        Assert.Equal("keep me", body.GetProperty("description").GetString());
        Assert.Equal("love", body.GetProperty("tags")[0].GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_a_stale_body_version_is_409_both_with_current_and_the_row_unchanged()
    {
        var created = await app.CreatePatternAsync(_owner, new { name = "Original", sequence = new[] { "❤️" } });
        var id = created.Id();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Second" })).Response.Dispose();

        var (precondition, problem412, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Lost?" },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, precondition);
        Assert.Equal("version_conflict", problem412.Code());
        Assert.Equal(2, problem412.GetProperty("current").GetProperty("version").GetInt32());

        var (conflict, problem409, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Lost?", version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal("version_conflict", problem409.Code());
        Assert.Equal("Second", problem409.GetProperty("current").GetProperty("name").GetString());

        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        var row = await db.QuerySingleAsync<(string Name, int Version)>("SELECT name, version FROM patterns WHERE id = @id", new { id });
        Assert.Equal(("Second", 2), row);

        var (ok, _, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Third" },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"2\""));
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task concurrent_updates_with_the_same_version_let_exactly_one_win()
    {
        var id = (await app.CreatePatternAsync(_owner)).Id();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = $"Writer {i}", version = 1 })));

        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(9, results.Count(r => r.Status == HttpStatusCode.Conflict));
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT version FROM patterns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task another_users_private_pattern_is_404_on_read_and_on_every_write()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Secret", sequence = new[] { "🔒" }, is_public = false })).Id();
        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"api/patterns/{id}", null),
            (HttpMethod.Put, $"api/patterns/{id}", new { name = "Mine now" }),
            (HttpMethod.Delete, $"api/patterns/{id}", null),
            (HttpMethod.Post, $"api/patterns/{id}/restore", null),
            (HttpMethod.Post, $"api/patterns/{id}/favorite", null),
            (HttpMethod.Get, $"api/patterns/{id}/versions", null),
            (HttpMethod.Post, $"api/patterns/{id}/versions/1/restore", null),
        };

        foreach (var (method, path, body) in attempts)
        {
            foreach (var caller in new Guid?[] { _other, null })
            {
                var (status, problem, _) = await app.SendAsync(method, path, caller, body);
                // Anonymous callers may only read public data, and history is for editors: everything else asks them to sign in.
                var readsPublicData = method == HttpMethod.Get && !path.EndsWith("/versions", StringComparison.Ordinal);
                var expected = caller is null && !readsPublicData ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound;
                Assert.True(expected == status, $"{method} {path} as {(caller is null ? "anonymous" : "other")}: {status} {problem}");
            }
        }

        var (batchStatus, batchProblem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _other,
            new { operations = new object[] { new { op = "update", id, changes = new { name = "x" } } } });
        Assert.Equal(HttpStatusCode.NotFound, batchStatus);
        Assert.Equal(0, batchProblem.GetProperty("operation_index").GetInt32());

        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal(("Secret", 1, false), await db.QuerySingleAsync<(string, int, bool)>(
            "SELECT name, version, deleted_at IS NOT NULL FROM patterns WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task a_public_pattern_is_readable_by_anyone_but_writable_only_by_its_owner()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Open", sequence = new[] { "🌞" }, is_public = true })).Id();

        var (anonymous, body, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}");
        Assert.Equal(HttpStatusCode.OK, anonymous);
        Assert.Equal("view", body.GetProperty("permission").GetString());

        var (put, problem, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _other, new { name = "Vandal" });
        Assert.Equal(HttpStatusCode.Forbidden, put);
        Assert.Equal("forbidden", problem.Code());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{id}", _other)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/versions", _other)).Status);
    }

    [Fact]
    public async Task soft_delete_hides_the_pattern_and_restore_brings_it_back()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Phoenix", sequence = new[] { "🔥" }, is_public = true })).Id();

        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{id}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{id}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/restore", _other)).Status);
        var (_, search, _) = await app.SendAsync(HttpMethod.Get, "api/patterns?query=Phoenix", _owner);
        Assert.DoesNotContain(search.GetProperty("data").EnumerateArray(), p => p.Id() == id);

        var (restored, body, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/restore", _owner);
        Assert.Equal(HttpStatusCode.OK, restored);
        Assert.Equal("Phoenix", body.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", _other)).Status);
    }

    [Fact]
    public async Task versions_list_earlier_versions_newest_first_and_rollback_makes_a_new_version()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "V1", sequence = new[] { "1️⃣" } })).Id();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "V2", sequence = new[] { "2️⃣", "🌸" } })).Response.Dispose();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "V3" })).Response.Dispose();

        var (status, list, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/versions", _owner);
        Assert.Equal(HttpStatusCode.OK, status);
        var versions = list.GetProperty("data").EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("name").GetString()!)).ToArray();
        Assert.Equal(new[] { (2, "V2"), (1, "V1") }, versions);

        var (rolled, body, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/versions/1/restore", _owner);
        Assert.Equal(HttpStatusCode.OK, rolled);
        Assert.Equal("V1", body.GetProperty("name").GetString());
        Assert.Equal(4, body.GetProperty("version").GetInt32());
        Assert.Equal(1, body.GetProperty("size").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/versions/99/restore", _owner)).Status);
    }

    [Fact]
    public async Task fifty_parallel_favourite_toggles_leave_like_count_equal_to_the_favourites()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Popular", sequence = new[] { "⭐" }, is_public = true })).Id();
        var fans = Enumerable.Range(0, 25).Select(_ => Guid.NewGuid()).ToArray();
        // Each fan toggles twice at once (on, off in some order) and one more time; plus odd fans a 4th time.
        var toggles = fans.SelectMany((fan, i) => Enumerable.Repeat(fan, 2)).ToArray();

        var results = await Task.WhenAll(toggles.Select(fan => app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/favorite", fan)));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        var (likes, favourites) = await db.QuerySingleAsync<(long, long)>(
            "SELECT like_count, (SELECT count(*) FROM pattern_favorites WHERE pattern_id = @id) FROM patterns WHERE id = @id", new { id });
        Assert.Equal(favourites, likes);
        Assert.Equal(0, favourites); // every fan toggled twice: on then off

        var (_, on, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/favorite", fans[0]);
        Assert.True(on.GetProperty("is_favorited").GetBoolean());
        Assert.Equal(1, on.GetProperty("like_count").GetInt64());
        Assert.Equal(id, on.GetProperty("pattern_id").GetGuid());
        var (_, mine, _) = await app.SendAsync(HttpMethod.Get, "api/me/favorites", fans[0]);
        Assert.Equal(id, Assert.Single(mine.GetProperty("data").EnumerateArray()).Id());
    }
}

[Collection(AppCollection.Name)]
public sealed class PatternTextLimitTests(EmotyApp app)
{
    [Fact]
    public async Task a_name_of_100_family_emojis_is_100_characters_and_101_is_too_many()
    {
        var owner = Guid.NewGuid();
        var family = "👨‍👩‍👧‍👦";

        var (ok, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", owner,
            new { name = string.Concat(Enumerable.Repeat(family, 100)), sequence = new[] { family }, tags = new[] { family } });
        Assert.Equal(HttpStatusCode.Created, ok);
        Assert.Equal(100 * family.Length, body.GetProperty("name").GetString()!.Length);

        var (tooLong, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", owner,
            new { name = string.Concat(Enumerable.Repeat(family, 101)), sequence = new[] { family } });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }
}
