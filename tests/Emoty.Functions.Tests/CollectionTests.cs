namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class CollectionTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _other = Guid.NewGuid();

    private async Task<JsonElement> CreateAsync(object body)
    {
        var (status, collection, response) = await app.SendAsync(HttpMethod.Post, "api/collections", _owner, body);
        Assert.True(status == HttpStatusCode.Created, collection.ToString());
        Assert.Equal($"/api/collections/{collection.Id()}", response.Headers.Location?.OriginalString);
        return collection;
    }

    [Fact]
    public async Task a_collection_is_created_read_updated_and_deleted_while_its_patterns_stay()
    {
        var collection = await CreateAsync(new { name = "  Favourites  ", description = "Best ones", color = "#ff8800", is_public = true });
        Assert.Equal("Favourites", collection.GetProperty("name").GetString());
        Assert.Equal("#FF8800", collection.GetProperty("color").GetString());
        Assert.Equal(0, collection.GetProperty("pattern_count").GetInt32());
        Assert.Equal(1, collection.GetProperty("version").GetInt32());
        var id = collection.Id();
        var pattern = (await app.CreatePatternAsync(_owner)).Id();

        var (_, added, _) = await app.SendAsync(HttpMethod.Post, $"api/collections/{id}/patterns", _owner, new { pattern_ids = new[] { pattern } });
        Assert.Equal([pattern], added.GetProperty("added").EnumerateArray().Select(e => e.GetGuid()));

        var (updated, body, response) = await app.SendAsync(HttpMethod.Put, $"api/collections/{id}", _owner, new { name = "Renamed", version = 2 });
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("Renamed", body.GetProperty("name").GetString());
        Assert.Equal("\"3\"", response.Headers.ETag?.Tag);

        var (stale, problem, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{id}", _owner, new { name = "Stale", version = 2 });
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Equal("Renamed", problem.GetProperty("current").GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"api/collections/{id}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/collections/{id}", _owner)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _owner)).Status);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"x","color":"orange"}""", "color")]
    [InlineData("""{"name":"x","description":null,"pattern_count":3}""", "pattern_count")]
    [InlineData("""{"name":"x","surprise":true}""", "surprise")]
    [InlineData("""{"description":"no name"}""", "name")]
    public async Task invalid_collections_are_400_at_the_field(string json, string field)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/collections", _owner, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task adding_reports_added_and_skipped_and_pattern_count_follows_the_items()
    {
        var id = (await CreateAsync(new { name = "Counted" })).Id();
        var mine = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.CreatePatternAsync(_owner)));
        var othersPrivate = (await app.CreatePatternAsync(_other)).Id();
        var ids = mine.Select(p => p.Id()).ToArray();

        var (_, first, _) = await app.SendAsync(HttpMethod.Post, $"api/collections/{id}/patterns", _owner,
            new { pattern_ids = ids.Take(3).Append(othersPrivate).Append(Guid.NewGuid()).ToArray() });
        Assert.Equal(ids.Take(3), first.GetProperty("added").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(2, first.GetProperty("skipped").GetArrayLength());

        var (_, second, _) = await app.SendAsync(HttpMethod.Post, $"api/collections/{id}/patterns", _owner, new { pattern_ids = ids });
        Assert.Equal(ids.Skip(3), second.GetProperty("added").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(ids.Take(3), second.GetProperty("skipped").EnumerateArray().Select(e => e.GetGuid()));

        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"api/collections/{id}/patterns/{ids[0]}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Delete, $"api/collections/{id}/patterns/{ids[0]}", _owner)).Status);

        var (_, detail, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{id}", _owner);
        Assert.Equal(4, detail.GetProperty("pattern_count").GetInt32());
        Assert.Equal(ids.Skip(1), detail.GetProperty("patterns").EnumerateArray().Select(p => p.Id()));
        Assert.Equal(4, detail.GetProperty("preview_patterns").GetArrayLength());
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM pattern_collection_items WHERE collection_id = @id", new { id }));
    }

    [Fact]
    public async Task reorder_puts_the_listed_patterns_first_and_pages_follow_the_order()
    {
        var id = (await CreateAsync(new { name = "Ordered" })).Id();
        var ids = (await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.CreatePatternAsync(_owner)))).Select(p => p.Id()).ToArray();
        (await app.SendAsync(HttpMethod.Post, $"api/collections/{id}/patterns", _owner, new { pattern_ids = ids })).Response.Dispose();

        var (status, _, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{id}/patterns/order", _owner, new { pattern_ids = new[] { ids[4], ids[2] } });
        Assert.Equal(HttpStatusCode.OK, status);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var (_, page, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{id}?patterns_limit=2" + (cursor is null ? "" : $"&patterns_cursor={cursor}"), _owner);
            seen.AddRange(page.GetProperty("patterns").EnumerateArray().Select(p => p.Id()));
            cursor = page.GetProperty("patterns_next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(new[] { ids[4], ids[2], ids[0], ids[1], ids[3] }, seen);

        var (bad, problem, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{id}/patterns/order", _owner, new { pattern_ids = new[] { Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.True(problem.GetProperty("errors").TryGetProperty("pattern_ids[0]", out _));
    }

    [Fact]
    public async Task folders_nest_but_a_cycle_is_rejected()
    {
        var a = (await CreateAsync(new { name = "A" })).Id();
        var b = (await CreateAsync(new { name = "B", parent_id = a })).Id();
        var c = (await CreateAsync(new { name = "C", parent_id = b })).Id();

        var (status, problem, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{a}", _owner, new { parent_id = c });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("parent_id", out _));
        var (self, _, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{a}", _owner, new { parent_id = a });
        Assert.Equal(HttpStatusCode.BadRequest, self);

        var (_, children, _) = await app.SendAsync(HttpMethod.Get, $"api/collections?parent_id={a}", _owner);
        Assert.Equal([b], children.GetProperty("data").EnumerateArray().Select(x => x.Id()));
    }

    [Fact]
    public async Task folders_nest_at_most_eight_deep_and_moving_a_subtree_counts_its_height()
    {
        var chain = new List<Guid>();
        Guid? parent = null;
        for (var level = 1; level <= 8; level++)
        {
            var id = (await CreateAsync(new { name = $"Level {level}", parent_id = parent })).Id();
            chain.Add(id);
            parent = id;
        }

        var (tooDeep, _, _) = await app.SendAsync(HttpMethod.Post, "api/collections", _owner, new { name = "Level 9", parent_id = chain[^1] });
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep);

        var top = (await CreateAsync(new { name = "Two-level subtree" })).Id();
        (await app.SendAsync(HttpMethod.Post, "api/collections", _owner, new { name = "Child", parent_id = top })).Response.Dispose();
        var (moveTooDeep, _, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{top}", _owner, new { parent_id = chain[6] });
        Assert.Equal(HttpStatusCode.BadRequest, moveTooDeep);
        var (moveOk, _, _) = await app.SendAsync(HttpMethod.Put, $"api/collections/{top}", _owner, new { parent_id = chain[5] });
        Assert.Equal(HttpStatusCode.OK, moveOk);
    }

    [Fact]
    public async Task a_parent_must_be_a_collection_of_the_caller()
    {
        var theirs = (await app.SendAsync(HttpMethod.Post, "api/collections", _other, new { name = "Not yours", is_public = true })).Body.Id();
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/collections", _owner, new { name = "Sneaky", parent_id = theirs });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("parent_id", out _));
    }

    [Fact]
    public async Task a_pattern_made_private_disappears_from_other_users_views_of_a_public_collection()
    {
        var id = (await CreateAsync(new { name = "Showcase", is_public = true })).Id();
        var pattern = (await app.CreatePatternAsync(_owner, new { name = "Soon private", sequence = new[] { "🎭" }, is_public = true })).Id();
        (await app.SendAsync(HttpMethod.Post, $"api/collections/{id}/patterns", _owner, new { pattern_ids = new[] { pattern } })).Response.Dispose();

        var (_, before, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{id}", _other);
        Assert.Contains(pattern, before.GetProperty("patterns").EnumerateArray().Select(p => p.Id()));

        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", _owner, new { is_public = false })).Response.Dispose();

        var (_, after, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{id}", _other);
        Assert.DoesNotContain(pattern, after.GetProperty("patterns").EnumerateArray().Select(p => p.Id()));
        Assert.Equal(0, after.GetProperty("preview_patterns").GetArrayLength());
        var (_, ownerView, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{id}", _owner);
        Assert.Contains(pattern, ownerView.GetProperty("patterns").EnumerateArray().Select(p => p.Id()));
    }

    [Fact]
    public async Task public_collections_are_browsable_anonymously_and_searchable_by_name_and_description()
    {
        var marker = "m" + Guid.NewGuid().ToString("N")[..10];
        var byName = (await CreateAsync(new { name = $"Garden {marker}", is_public = true })).Id();
        var byDescription = (await CreateAsync(new { name = "Other", description = $"about {marker}", is_public = true })).Id();
        await CreateAsync(new { name = $"Private {marker}" });

        var (status, page, _) = await app.SendAsync(HttpMethod.Get, $"api/collections?public=true&query={marker}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { byName, byDescription }.Order(), page.GetProperty("data").EnumerateArray().Select(c => c.Id()).Order());
        Assert.All(page.GetProperty("data").EnumerateArray(), c => Assert.Equal("view", c.GetProperty("permission").GetString()));

        var (_, mine, _) = await app.SendAsync(HttpMethod.Get, $"api/collections?query={marker}&limit=1", _owner);
        Assert.Single(mine.GetProperty("data").EnumerateArray());
        var next = mine.GetProperty("next_cursor").GetString();
        var (_, rest, _) = await app.SendAsync(HttpMethod.Get, $"api/collections?query={marker}&limit=5&cursor={next}", _owner);
        Assert.Equal(2, rest.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("cursor=garbage")]
    [InlineData("public=maybe")]
    [InlineData("sort=name")]
    public async Task bad_list_parameters_are_400(string query)
    {
        var (status, _, _) = await app.SendAsync(HttpMethod.Get, "api/collections?" + query, _owner);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}
