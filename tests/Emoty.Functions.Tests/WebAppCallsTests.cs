namespace Emoty.Functions.Tests;

/// <summary>
/// The calls the original web app makes that the backend did not serve before (issue 8), each with
/// the body the web app sends, through the local host: PATCH from the detail modal, un-favourite,
/// remix (duplicate), the backup export, and the editor's concentric form of 0 to 32 emojis.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class WebAppCallsTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _friend = Guid.NewGuid();
    private readonly Guid _stranger = Guid.NewGuid();

    [Fact]
    public async Task the_detail_modals_patch_of_name_and_tags_updates_like_put()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Modal", sequence = new[] { "🪟" } })).Id();

        var (status, body, response) = await app.SendAsync(HttpMethod.Patch, $"api/patterns/{id}", _owner,
            new { name = "Renamed in the modal", tags = new[] { "Window", "glass" } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Renamed in the modal", body.GetProperty("name").GetString());
        Assert.Equal(["window", "glass"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);

        var (stale, problem, _) = await app.SendAsync(HttpMethod.Patch, $"api/patterns/{id}", _owner, new { name = "Late", version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal("version_conflict", problem.Code());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Patch, $"api/patterns/{id}", _owner, new { like_count = 9 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Patch, $"api/patterns/{id}", _stranger, new { name = "Mine" })).Status);
    }

    [Fact]
    public async Task the_un_favourite_delete_and_the_favourite_put_are_idempotent_and_like_count_follows()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Loved", sequence = new[] { "💖" }, is_public = true })).Id();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (status, body, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}/favorite", _friend);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((id, true, 1L), Favourite(body));
        }

        var (_, other, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}/favorite", _stranger);
        Assert.Equal((id, true, 2L), Favourite(other));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (status, body, _) = await app.SendAsync(HttpMethod.Delete, $"api/patterns/{id}/favorite", _friend);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((id, false, 1L), Favourite(body));
        }

        // The toggle still toggles.
        Assert.Equal((id, true, 2L), Favourite((await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/favorite", _friend)).Body));
        Assert.True((await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", _stranger)).Body.GetProperty("is_favorited").GetBoolean());

        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT like_count FROM patterns WHERE id = @id", new { id }));
        Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM pattern_favorites WHERE pattern_id = @id", new { id }));
    }

    [Fact]
    public async Task concurrent_favourite_puts_and_deletes_keep_like_count_equal_to_the_favourites()
    {
        var id = (await app.CreatePatternAsync(_owner, new { name = "Contested", sequence = new[] { "🥊" }, is_public = true })).Id();
        var fans = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();

        await Task.WhenAll(fans.SelectMany(fan => Enumerable.Range(0, 4).Select(i =>
            app.SendAsync(i % 2 == 0 ? HttpMethod.Put : HttpMethod.Delete, $"api/patterns/{id}/favorite", fan))));

        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        var (likes, favourites) = await db.QuerySingleAsync<(long, long)>(
            "SELECT like_count, (SELECT count(*) FROM pattern_favorites WHERE pattern_id = p.id) FROM patterns p WHERE id = @id", new { id });
        Assert.Equal(favourites, likes);
    }

    [Fact]
    public async Task the_remix_call_copies_a_viewable_pattern_into_a_private_one_of_the_caller()
    {
        var source = await app.CreatePatternAsync(_owner, new
        {
            name = "Original", description = "The first", sequence = new[] { "🌊", "🐚" }, tags = new[] { "sea" },
            difficulty_rating = 4, is_public = true,
        });
        var id = source.Id();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}/favorite", _owner)).Response.Dispose();

        var (status, copy, response) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal($"/api/patterns/{copy.Id()}", response.Headers.Location?.OriginalString);
        Assert.NotEqual(id, copy.Id());
        Assert.Equal("Original (copy)", copy.GetProperty("name").GetString());
        Assert.Equal(_friend, copy.GetProperty("user_id").GetGuid());
        Assert.Equal(id, copy.GetProperty("parent_pattern_id").GetGuid());
        Assert.False(copy.GetProperty("is_public").GetBoolean());
        Assert.Equal(1, copy.GetProperty("version").GetInt32());
        Assert.Equal("owner", copy.GetProperty("permission").GetString());
        Assert.False(copy.GetProperty("is_favorited").GetBoolean());
        foreach (var counter in new[] { "view_count", "like_count", "share_count", "download_count" })
        {
            Assert.Equal(0, copy.GetProperty(counter).GetInt64());
        }

        foreach (var field in new[] { "description", "sequence", "size", "palette_id", "tags", "difficulty_rating", "complexity_score", "estimated_time_minutes" })
        {
            Assert.Equal(source.GetProperty(field).GetRawText(), copy.GetProperty(field).GetRawText());
        }

        var (named, renamed, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend, new { name = "  My take  " });
        Assert.Equal(HttpStatusCode.Created, named);
        Assert.Equal("My take", renamed.GetProperty("name").GetString());

        // The copy is the friend's alone: its source's owner cannot see it while it is private.
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{copy.Id()}", _owner)).Status);
    }

    [Fact]
    public async Task a_duplicate_needs_view_permission_and_a_body_with_nothing_but_a_name()
    {
        await app.SendAsync(HttpMethod.Get, "api/me", _friend);
        var id = (await app.CreatePatternAsync(_owner, new { name = "Private", sequence = new[] { "🔒" } })).Id();

        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{Guid.NewGuid()}/duplicate", _friend)).Status);

        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/shares", _owner, new { user_id = _friend, permission = "view" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend, new { })).Status);

        foreach (var (body, path) in new (object, string)[] { (new { is_public = true }, "is_public"), (new { name = "" }, "name"), (new { id = Guid.NewGuid() }, "id"), (new { colour = "red" }, "colour") })
        {
            var (status, problem, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
        }

        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{id}", _owner)).Response.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _owner)).Status);
    }

    [Fact]
    public async Task a_long_name_is_shortened_so_that_the_copys_name_still_fits()
    {
        var name = string.Concat(Enumerable.Repeat("👩‍👩‍👧", 100));
        var id = (await app.CreatePatternAsync(_owner, new { name, sequence = new[] { "📏" } })).Id();

        var (status, copy, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _owner);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(string.Concat(Enumerable.Repeat("👩‍👩‍👧", 93)) + " (copy)", copy.GetProperty("name").GetString());
    }

    [Fact]
    public async Task a_copy_of_a_shared_pattern_shows_in_the_owners_analytics()
    {
        await app.SendAsync(HttpMethod.Get, "api/me", _friend);
        var id = (await app.CreatePatternAsync(_owner, new { name = "Counted copy", sequence = new[] { "🧮" } })).Id();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/shares", _owner, new { user_id = _friend, permission = "view" })).Response.Dispose();

        Assert.Equal(HttpStatusCode.Created, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend)).Status);

        await Eventually.TrueAsync(async () =>
        {
            var (_, figures, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/analytics", _owner);
            return figures.GetProperty("daily").EnumerateArray().Sum(d => d.GetProperty("copies").GetInt64()) == 1;
        }, "the copy was not counted on the source");
    }

    [Fact]
    public async Task remixes_list_the_live_copies_the_caller_can_see()
    {
        await app.SendAsync(HttpMethod.Get, "api/me", _friend);
        var id = (await app.CreatePatternAsync(_owner, new { name = "Remixed", sequence = new[] { "🎛️" }, is_public = true })).Id();
        var mine = (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _owner)).Body.Id();
        var friendsPrivate = (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend)).Body.Id();
        var friendsPublic = (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend, new { name = "Out in the open" })).Body.Id();
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Put, $"api/patterns/{friendsPublic}", _friend, new { is_public = true })).Status);
        var deleted = (await app.SendAsync(HttpMethod.Post, $"api/patterns/{id}/duplicate", _friend)).Body.Id();
        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{deleted}", _friend)).Response.Dispose();

        Assert.Equal([friendsPublic, mine], await RemixesAsync(id, _owner));
        Assert.Equal([friendsPublic, friendsPrivate], await RemixesAsync(id, _friend));
        Assert.Equal([friendsPublic], await RemixesAsync(id, null));

        // Paged like search: one at a time by cursor gives the same list.
        var (_, first, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/remixes?limit=1", _owner);
        var cursor = first.GetProperty("next_cursor").GetString();
        var (_, second, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/remixes?limit=1&cursor={Uri.EscapeDataString(cursor!)}", _owner);
        Assert.Equal(mine, Assert.Single(second.GetProperty("data").EnumerateArray()).Id());

        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/remixes?parent_pattern_id={id}", _owner)).Status);
        var hidden = (await app.CreatePatternAsync(_owner, new { name = "Hidden", sequence = new[] { "🙈" } })).Id();
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{hidden}/remixes", _friend)).Status);
    }

    [Fact]
    public async Task the_backup_export_streams_every_live_pattern_and_feeds_back_through_batch_creates()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await app.CreatePatternAsync(_owner, new
            {
                name = $"Backup {i}", description = i % 2 == 0 ? "even" : null, sequence = new[] { "💾", i % 2 == 0 ? "📀" : "💿" },
                tags = new[] { "backup", $"n{i}" }, is_public = i == 0, difficulty_rating = i + 1,
            })).Id());
        }

        var gone = (await app.CreatePatternAsync(_owner, new { name = "Deleted", sequence = new[] { "🗑️" } })).Id();
        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{gone}", _owner)).Response.Dispose();
        await app.CreatePatternAsync(_stranger, new { name = "Not mine", sequence = new[] { "🚫" }, is_public = true });

        var (status, exported, response) = await app.SendAsync(HttpMethod.Get, "api/me/patterns/export?format=json", _owner);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(created, exported.EnumerateArray().Select(p => p.Id()));

        using var ndRequest = app.Request(HttpMethod.Get, "api/me/patterns/export?format=ndjson", _owner, null);
        using var ndResponse = await app.Http.SendAsync(ndRequest);
        Assert.Equal(HttpStatusCode.OK, ndResponse.StatusCode);
        Assert.Equal("application/x-ndjson", ndResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await ndResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(created, lines.Select(l => JsonDocument.Parse(l).RootElement.Id()));

        // Browsers accept gzip, and a large export needs it: the same document, compressed.
        using var gzipRequest = app.Request(HttpMethod.Get, "api/me/patterns/export", _owner, null);
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        using var gzipResponse = await app.Http.SendAsync(gzipRequest);
        Assert.Equal("gzip", Assert.Single(gzipResponse.Content.Headers.ContentEncoding));
        await using (var unzipped = new System.IO.Compression.GZipStream(await gzipResponse.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
        {
            Assert.Equal(exported.GetRawText(), (await JsonDocument.ParseAsync(unzipped)).RootElement.GetRawText());
        }

        // Fed back as creates of the client-settable fields, the backup rebuilds the same patterns.
        var restorer = Guid.NewGuid();
        var operations = exported.EnumerateArray().Select(p => new { op = "create", pattern = ClientFields(p) }).ToArray();
        var (batchStatus, batch, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", restorer, new { operations });
        Assert.True(batchStatus == HttpStatusCode.OK, batch.ToString());
        var (_, restored, _) = await app.SendAsync(HttpMethod.Get, "api/me/patterns/export", restorer);
        // One batch is one transaction, so the restored patterns share a created_at: compare as a set.
        Assert.Equal(
            exported.EnumerateArray().Select(p => ClientFields(p).ToJsonString()).Order(),
            restored.EnumerateArray().Select(p => ClientFields(p).ToJsonString()).Order());

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "api/me/patterns/export")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "api/me/patterns/export?format=xml", _owner)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Get, "api/me/patterns/export?limit=3", _owner)).Status);
        Assert.Equal("[]", (await app.SendAsync(HttpMethod.Get, "api/me/patterns/export", Guid.NewGuid())).Body.GetRawText());
    }

    [Fact]
    public async Task the_editors_concentric_save_takes_up_to_thirty_two_emojis_and_the_cleared_canvas()
    {
        var rings = Enumerable.Range(0, 32).Select(i => i % 3 == 0 ? "🌕" : i % 3 == 1 ? "🌗" : "🌑").ToArray();
        var (status, largest, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, new { name = "Moons", sequence = rings });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(63, largest.GetProperty("size").GetInt32());
        Assert.Equal(63 * 63, largest.GetProperty("sequence").GetProperty("emojis").GetArrayLength());

        var (tooMany, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, new { name = "Moons", sequence = rings.Append("🌕").ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.True(problem.GetProperty("errors").TryGetProperty("sequence", out _), problem.ToString());

        var (clearedStatus, cleared, _) = await app.SendAsync(HttpMethod.Post, "api/patterns", _owner, new { name = "Autosave", sequence = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Created, clearedStatus);
        Assert.Equal(1, cleared.GetProperty("size").GetInt32());
        Assert.Equal(0, cleared.GetProperty("sequence").GetProperty("emojis").GetArrayLength());
        Assert.Equal(0m, cleared.GetProperty("complexity_score").GetDecimal());

        // The editor autosaves a cleared canvas over a drawn one.
        var (updated, emptied, _) = await app.SendAsync(HttpMethod.Put, $"api/patterns/{largest.Id()}", _owner, new { sequence = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal(0, emptied.GetProperty("sequence").GetProperty("emojis").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{largest.Id()}", _owner)).Status);
    }

    private async Task<Guid[]> RemixesAsync(Guid id, Guid? caller)
    {
        var (status, page, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}/remixes", caller);
        Assert.True(status == HttpStatusCode.OK, page.ToString());
        return page.GetProperty("data").EnumerateArray().Select(p => p.Id()).ToArray();
    }

    private static (Guid, bool, long) Favourite(JsonElement body) =>
        (body.GetProperty("pattern_id").GetGuid(), body.GetProperty("is_favorited").GetBoolean(), body.GetProperty("like_count").GetInt64());

    private static readonly string[] ClientSettable =
        ["name", "description", "sequence", "palette_id", "size", "tags", "difficulty_rating", "estimated_time_minutes", "is_public", "is_ai_generated", "generation_prompt"];

    private static System.Text.Json.Nodes.JsonObject ClientFields(JsonElement pattern)
    {
        var fields = new System.Text.Json.Nodes.JsonObject();
        foreach (var name in ClientSettable)
        {
            fields[name] = System.Text.Json.Nodes.JsonNode.Parse(pattern.GetProperty(name).GetRawText());
        }

        return fields;
    }
}
