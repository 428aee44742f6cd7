namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class SharingTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();
    private readonly Guid _friend = Guid.NewGuid();

    private async Task<Guid> PrivatePatternAsync()
    {
        (await app.SendAsync(HttpMethod.Get, "api/me", _friend)).Response.Dispose();
        return (await app.CreatePatternAsync(_owner, new { name = "Shared thing", sequence = new[] { "🤝" } })).Id();
    }

    [Fact]
    public async Task sharing_grants_access_resharing_updates_it_and_revoking_removes_it()
    {
        var pattern = await PrivatePatternAsync();
        var expires = DateTimeOffset.UtcNow.AddDays(7);

        var (created, share, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner,
            new { user_id = _friend, permission = "view", expires_at = expires.ToString("O") });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("view", share.GetProperty("permission").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", _friend, new { name = "x" })).Status);

        var (updated, reshared, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner, new { user_id = _friend, permission = "edit" });
        Assert.Equal(HttpStatusCode.Created, updated);
        Assert.Equal("edit", reshared.GetProperty("permission").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reshared.GetProperty("expires_at").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", _friend, new { name = "Edited by friend" })).Status);

        var (_, list, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/shares", _owner);
        var only = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(_friend, only.GetProperty("user_id").GetGuid());

        var (_, mine, _) = await app.SendAsync(HttpMethod.Get, "api/me/shared", _friend);
        var listed = Assert.Single(mine.GetProperty("data").EnumerateArray());
        Assert.Equal("edit", listed.GetProperty("permission").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{pattern}/shares/{_friend}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{pattern}/shares/{_friend}", _owner)).Status);
    }

    [Theory]
    [InlineData("""{"permission":"view"}""", "user_id")]
    [InlineData("""{"user_id":"00000000-0000-0000-0000-000000000001","permission":"owner"}""", "permission")]
    [InlineData("""{"user_id":"00000000-0000-0000-0000-000000000001","permission":"view","expires_at":"2020-01-01T00:00:00Z"}""", "expires_at")]
    [InlineData("""{"user_id":"00000000-0000-0000-0000-000000000001","permission":"view","expires_at":"next week"}""", "expires_at")]
    [InlineData("""{"user_id":"00000000-0000-0000-0000-000000000001","permission":"view","note":"hi"}""", "note")]
    public async Task invalid_shares_are_400_at_the_field(string json, string field)
    {
        var pattern = await PrivatePatternAsync();
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task sharing_with_a_user_who_has_no_row_is_404_and_with_the_owner_is_400()
    {
        var pattern = await PrivatePatternAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner, new { user_id = Guid.NewGuid(), permission = "view" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner, new { user_id = _owner, permission = "view" })).Status);
    }

    [Fact]
    public async Task an_expired_share_stops_working_before_any_cleanup_runs()
    {
        var pattern = Guid.Empty;
        await Expiry.AcrossAsync(async expiresAt =>
        {
            pattern = await PrivatePatternAsync();
            var shared = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner,
                new { user_id = _friend, permission = "edit", expires_at = expiresAt.ToString("O") });
            return shared.Status == HttpStatusCode.Created
                && (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status == HttpStatusCode.OK;
        }, async () =>
        {
            Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", _friend, new { name = "Too late" })).Status);
            var (_, shared, _) = await app.SendAsync(HttpMethod.Get, "api/me/shared", _friend);
            Assert.Empty(shared.GetProperty("data").EnumerateArray());
            await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
            Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM pattern_shares WHERE pattern_id = @pattern", new { pattern }));
        });
    }

    [Fact]
    public async Task a_share_link_reads_exactly_that_pattern_anonymously_until_revoked()
    {
        var pattern = await PrivatePatternAsync();
        var other = await PrivatePatternAsync();

        var (created, link, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", _owner);
        Assert.Equal(HttpStatusCode.Created, created);
        var code = link.GetProperty("code").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{22,}$", code);
        Assert.EndsWith($"/api/shared/{code}", link.GetProperty("url").GetString());

        var (read, body, _) = await app.SendAsync(HttpMethod.Get, $"api/shared/{code}");
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(pattern, body.Id());
        Assert.Equal("view", body.GetProperty("permission").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{other}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, "api/shared/AAAAAAAAAAAAAAAAAAAAAA")).Status);

        var (_, links, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}/share-links", _owner);
        Assert.Equal(code, Assert.Single(links.GetProperty("data").EnumerateArray()).GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{pattern}/share-links/{code}", _owner)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/shared/{code}")).Status);
    }

    [Fact]
    public async Task an_expired_share_link_is_404()
    {
        string? code = null;
        await Expiry.AcrossAsync(async expiresAt =>
        {
            var pattern = await PrivatePatternAsync();
            var (created, link, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", _owner,
                new { expires_at = expiresAt.ToString("O") });
            code = created == HttpStatusCode.Created ? link.GetProperty("code").GetString() : null;
            return code is not null && (await app.SendAsync(HttpMethod.Get, $"api/shared/{code}")).Status == HttpStatusCode.OK;
        }, async () => Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/shared/{code}")).Status));
    }

    [Fact]
    public async Task a_deleted_pattern_is_not_reachable_through_its_share_or_link()
    {
        var pattern = await PrivatePatternAsync();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner, new { user_id = _friend, permission = "view" })).Response.Dispose();
        var code = (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", _owner)).Body.GetProperty("code").GetString();
        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{pattern}", _owner)).Response.Dispose();

        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/shared/{code}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status);
        var (_, shared, _) = await app.SendAsync(HttpMethod.Get, "api/me/shared", _friend);
        Assert.Empty(shared.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task the_database_clock_ends_a_share_even_while_its_pattern_is_cached()
    {
        var pattern = await PrivatePatternAsync();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _owner,
            new { user_id = _friend, permission = "view", expires_at = DateTimeOffset.UtcNow.AddDays(7).ToString("O") })).Response.Dispose();
        // The owner's read puts the pattern, with its shares, in the cache; the friend's is served beside it.
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _owner)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status);

        // Time passes for the share alone, behind the cache's back: no write, so no invalidation.
        await using (var db = new NpgsqlConnection(app.DatabaseConnectionString))
        {
            await db.ExecuteAsync("UPDATE pattern_shares SET expires_at = now() - interval '1 second' WHERE pattern_id = @pattern", new { pattern });
        }

        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _friend)).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _owner)).Status);
    }
}

/// <summary>The cleanup timer on a one-second schedule, in an app of its own.</summary>
public sealed class ShareCleanupTimerTests() : OwnAppTests(new() { ["SharesCleanupSchedule"] = "*/1 * * * * *" })
{
    [Fact]
    public async Task the_cleanup_timer_deletes_expired_shares_and_dead_links_and_keeps_live_ones()
    {
        var owner = Guid.NewGuid();
        var friends = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var friend in friends)
        {
            (await App.SendAsync(HttpMethod.Get, "api/me", friend)).Response.Dispose();
        }

        var pattern = (await App.CreatePatternAsync(owner)).Id();
        (await App.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", owner, new { user_id = friends[0], permission = "view" })).Response.Dispose();
        (await App.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", owner, new { user_id = friends[1], permission = "view" })).Response.Dispose();
        (await App.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", owner)).Response.Dispose();
        (await App.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", owner)).Response.Dispose();
        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        await db.ExecuteAsync("UPDATE pattern_shares SET expires_at = now() - interval '1 minute' WHERE shared_with = @expired", new { expired = friends[0] });
        await db.ExecuteAsync("UPDATE pattern_share_links SET expires_at = now() - interval '1 minute' WHERE code = (SELECT min(code) FROM pattern_share_links WHERE pattern_id = @pattern)", new { pattern });

        await Eventually.TrueAsync(async () => await db.QuerySingleAsync<(int, int)>("""
            SELECT (SELECT count(*)::int FROM pattern_shares WHERE pattern_id = @pattern),
                   (SELECT count(*)::int FROM pattern_share_links WHERE pattern_id = @pattern)
            """, new { pattern }) == (1, 1), "the cleanup timer did not leave one share and one link");
        Assert.Equal(friends[1], await db.ExecuteScalarAsync<Guid>("SELECT shared_with FROM pattern_shares WHERE pattern_id = @pattern", new { pattern }));
    }
}
