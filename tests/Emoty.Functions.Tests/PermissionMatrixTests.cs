namespace Emoty.Functions.Tests;

/// <summary>
/// Every pattern, collection and share route against every kind of caller, each on a fresh world so
/// that one cell's write cannot change another's answer. 404 wherever the resource must stay invisible.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PermissionMatrixTests(EmotyApp app)
{
    public enum Who { Owner, Admin, Edit, View, Expired, Other, Anonymous }

    /// <summary>A private pattern (two versions) shared four ways and by a link, and a private and a public collection holding it.</summary>
    public sealed record World(Dictionary<Who, Guid?> Users, Guid Pattern, Guid PublicPattern, Guid PrivateCollection, Guid PublicCollection, Guid Stranger, string LinkCode);

    private async Task<World> BuildAsync()
    {
        var users = Enum.GetValues<Who>().ToDictionary(w => w, w => w == Who.Anonymous ? (Guid?)null : Guid.NewGuid());
        var owner = users[Who.Owner]!.Value;
        foreach (var user in users.Values.OfType<Guid>())
        {
            (await app.SendAsync(HttpMethod.Get, "api/me", user)).Response.Dispose();
        }

        var pattern = (await app.CreatePatternAsync(owner, new { name = "Matrix", sequence = new[] { "🧩", "🔷" } })).Id();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{pattern}", owner, new { name = "Matrix v2" })).Response.Dispose();
        var publicPattern = (await app.CreatePatternAsync(owner, new { name = "Matrix public", sequence = new[] { "🌐" }, is_public = true })).Id();
        foreach (var (who, permission) in new[] { (Who.Admin, "admin"), (Who.Edit, "edit"), (Who.View, "view"), (Who.Expired, "edit") })
        {
            var (status, body, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", owner, new { user_id = users[who], permission });
            Assert.True(status == HttpStatusCode.Created, body.ToString());
        }

        await using (var db = new NpgsqlConnection(app.DatabaseConnectionString))
        {
            // Expired a moment ago: the cleanup has not run, so only the query-time check stands between.
            await db.ExecuteAsync("UPDATE pattern_shares SET expires_at = now() - interval '1 second' WHERE pattern_id = @pattern AND shared_with = @user",
                new { pattern, user = users[Who.Expired] });
        }

        var privateCollection = (await app.SendAsync(HttpMethod.Post, "api/collections", owner, new { name = "Private folder" })).Body.Id();
        var publicCollection = (await app.SendAsync(HttpMethod.Post, "api/collections", owner, new { name = "Public folder", is_public = true })).Body.Id();
        foreach (var collection in new[] { privateCollection, publicCollection })
        {
            (await app.SendAsync(HttpMethod.Post, $"api/collections/{collection}/patterns", owner, new { pattern_ids = new[] { pattern, publicPattern } })).Response.Dispose();
        }

        var link = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/share-link", owner, new { });
        Assert.True(link.Status == HttpStatusCode.Created, link.Body.ToString());

        var stranger = Guid.NewGuid();
        (await app.SendAsync(HttpMethod.Get, "api/me", stranger)).Response.Dispose();
        return new World(users, pattern, publicPattern, privateCollection, publicCollection, stranger, link.Body.GetProperty("code").GetString()!);
    }

    public sealed record Cell(string Route, Func<World, (HttpMethod Method, string Path, object? Body)> Request, int[] Expected)
    {
        public override string ToString() => Route;
    }

    // Expected statuses in the order Owner, Admin, Edit, View, Expired, Other, Anonymous.
    public static TheoryData<Cell> Cells => new()
    {
        new("GET me", w => (HttpMethod.Get, "api/me", null), [200, 200, 200, 200, 200, 200, 401]),
        new("GET my favorites", w => (HttpMethod.Get, "api/me/favorites", null), [200, 200, 200, 200, 200, 200, 401]),
        new("POST pattern", w => (HttpMethod.Post, "api/patterns", new { name = "New", sequence = new[] { "🆕" } }), [201, 201, 201, 201, 201, 201, 401]),
        new("GET patterns (search)", w => (HttpMethod.Get, "api/patterns?query=matrix", null), [200, 200, 200, 200, 200, 200, 200]),
        new("GET pattern", w => (HttpMethod.Get, $"api/patterns/{w.Pattern}", null), [200, 200, 200, 200, 404, 404, 404]),
        new("GET public pattern", w => (HttpMethod.Get, $"api/patterns/{w.PublicPattern}", null), [200, 200, 200, 200, 200, 200, 200]),
        new("PUT pattern", w => (HttpMethod.Put, $"api/patterns/{w.Pattern}", new { name = "Renamed" }), [200, 200, 200, 403, 404, 404, 401]),
        new("PUT pattern is_public", w => (HttpMethod.Put, $"api/patterns/{w.Pattern}", new { is_public = true }), [200, 200, 403, 403, 404, 404, 401]),
        new("PUT public pattern", w => (HttpMethod.Put, $"api/patterns/{w.PublicPattern}", new { name = "Renamed" }), [200, 403, 403, 403, 403, 403, 401]),
        new("DELETE pattern", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}", null), [204, 204, 403, 403, 404, 404, 401]),
        new("POST restore", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/restore", null), [200, 403, 403, 403, 404, 404, 401]),
        new("PATCH pattern", w => (HttpMethod.Patch, $"api/patterns/{w.Pattern}", new { name = "Patched", tags = new[] { "modal" } }), [200, 200, 200, 403, 404, 404, 401]),
        new("PATCH pattern is_public", w => (HttpMethod.Patch, $"api/patterns/{w.Pattern}", new { is_public = true }), [200, 200, 403, 403, 404, 404, 401]),
        new("POST favorite", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/favorite", null), [200, 200, 200, 200, 404, 404, 401]),
        new("PUT favorite", w => (HttpMethod.Put, $"api/patterns/{w.Pattern}/favorite", null), [200, 200, 200, 200, 404, 404, 401]),
        new("DELETE favorite", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}/favorite", null), [200, 200, 200, 200, 404, 404, 401]),
        new("PUT public favorite", w => (HttpMethod.Put, $"api/patterns/{w.PublicPattern}/favorite", null), [200, 200, 200, 200, 200, 200, 401]),
        new("POST duplicate", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/duplicate", null), [201, 201, 201, 201, 404, 404, 401]),
        new("POST duplicate public", w => (HttpMethod.Post, $"api/patterns/{w.PublicPattern}/duplicate", new { name = "Mine now" }), [201, 201, 201, 201, 201, 201, 401]),
        new("GET remixes", w => (HttpMethod.Get, $"api/patterns/{w.Pattern}/remixes", null), [200, 200, 200, 200, 404, 404, 404]),
        new("GET public remixes", w => (HttpMethod.Get, $"api/patterns/{w.PublicPattern}/remixes", null), [200, 200, 200, 200, 200, 200, 200]),
        new("GET my patterns export", w => (HttpMethod.Get, "api/me/patterns/export", null), [200, 200, 200, 200, 200, 200, 401]),
        new("GET versions", w => (HttpMethod.Get, $"api/patterns/{w.Pattern}/versions", null), [200, 200, 200, 403, 404, 404, 401]),
        new("POST version restore", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/versions/1/restore", null), [200, 200, 200, 403, 404, 404, 401]),
        new("POST batch update", w => (HttpMethod.Post, "api/patterns/batch", new { operations = new object[] { new { op = "update", id = w.Pattern, changes = new { name = "Batch" } } } }), [200, 200, 200, 403, 404, 404, 401]),
        new("POST share view", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/shares", new { user_id = w.Stranger, permission = "view" }), [201, 201, 403, 403, 404, 404, 401]),
        new("POST share admin", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/shares", new { user_id = w.Stranger, permission = "admin" }), [201, 403, 403, 403, 404, 404, 401]),
        new("POST share demoting the admin", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/shares", new { user_id = w.Users[Who.Admin], permission = "view" }), [201, 403, 403, 403, 404, 404, 401]),
        new("GET shares", w => (HttpMethod.Get, $"api/patterns/{w.Pattern}/shares", null), [200, 200, 403, 403, 404, 404, 401]),
        new("DELETE view share", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}/shares/{w.Users[Who.View]}", null), [204, 204, 403, 204, 404, 404, 401]),
        new("DELETE admin share", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}/shares/{w.Users[Who.Admin]}", null), [204, 204, 403, 403, 404, 404, 401]),
        new("DELETE the owner", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}/shares/{w.Users[Who.Owner]}", null), [403, 403, 403, 403, 404, 404, 401]),
        new("POST share-link", w => (HttpMethod.Post, $"api/patterns/{w.Pattern}/share-link", new { }), [201, 201, 403, 403, 404, 404, 401]),
        new("GET share-links", w => (HttpMethod.Get, $"api/patterns/{w.Pattern}/share-links", null), [200, 200, 403, 403, 404, 404, 401]),
        new("DELETE share-link", w => (HttpMethod.Delete, $"api/patterns/{w.Pattern}/share-links/{w.LinkCode}", null), [204, 204, 403, 403, 404, 404, 401]),
        new("GET shared link", w => (HttpMethod.Get, $"api/shared/{w.LinkCode}", null), [200, 200, 200, 200, 200, 200, 200]),
        new("POST collection", w => (HttpMethod.Post, "api/collections", new { name = "Another folder" }), [201, 201, 201, 201, 201, 201, 401]),
        new("GET private collection", w => (HttpMethod.Get, $"api/collections/{w.PrivateCollection}", null), [200, 404, 404, 404, 404, 404, 404]),
        new("GET public collection", w => (HttpMethod.Get, $"api/collections/{w.PublicCollection}", null), [200, 200, 200, 200, 200, 200, 200]),
        new("PUT private collection", w => (HttpMethod.Put, $"api/collections/{w.PrivateCollection}", new { name = "Mine" }), [200, 404, 404, 404, 404, 404, 401]),
        new("PUT public collection", w => (HttpMethod.Put, $"api/collections/{w.PublicCollection}", new { name = "Mine" }), [200, 403, 403, 403, 403, 403, 401]),
        new("DELETE public collection", w => (HttpMethod.Delete, $"api/collections/{w.PublicCollection}", null), [204, 403, 403, 403, 403, 403, 401]),
        new("DELETE private collection", w => (HttpMethod.Delete, $"api/collections/{w.PrivateCollection}", null), [204, 404, 404, 404, 404, 404, 401]),
        new("POST collection patterns", w => (HttpMethod.Post, $"api/collections/{w.PublicCollection}/patterns", new { pattern_ids = new[] { w.PublicPattern } }), [200, 403, 403, 403, 403, 403, 401]),
        new("DELETE collection pattern", w => (HttpMethod.Delete, $"api/collections/{w.PublicCollection}/patterns/{w.PublicPattern}", null), [204, 403, 403, 403, 403, 403, 401]),
        new("PUT collection order", w => (HttpMethod.Put, $"api/collections/{w.PublicCollection}/patterns/order", new { pattern_ids = new[] { w.PublicPattern } }), [200, 403, 403, 403, 403, 403, 401]),
        new("GET my collections", w => (HttpMethod.Get, "api/collections", null), [200, 200, 200, 200, 200, 200, 401]),
        new("GET public collections", w => (HttpMethod.Get, "api/collections?public=true", null), [200, 200, 200, 200, 200, 200, 200]),
        new("GET shared with me", w => (HttpMethod.Get, "api/me/shared", null), [200, 200, 200, 200, 200, 200, 401]),
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task every_caller_gets_the_status_api_md_promises(Cell cell)
    {
        var callers = Enum.GetValues<Who>();
        var results = await Task.WhenAll(callers.Select(async who =>
        {
            var world = await BuildAsync();
            var (method, path, body) = cell.Request(world);
            var (status, problem, _) = await app.SendAsync(method, path, world.Users[who], body);
            return (who, status: (int)status, problem);
        }));

        var wrong = results.Where(r => r.status != cell.Expected[(int)r.who])
            .Select(r => $"{r.who}: expected {cell.Expected[(int)r.who]}, got {r.status} {r.problem}").ToList();
        Assert.True(wrong.Count == 0, $"{cell.Route}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task collection_views_show_each_caller_only_the_patterns_they_can_see()
    {
        var world = await BuildAsync();
        foreach (var who in Enum.GetValues<Who>())
        {
            var (status, body, _) = await app.SendAsync(HttpMethod.Get, $"api/collections/{world.PublicCollection}", world.Users[who]);
            Assert.Equal(HttpStatusCode.OK, status);
            var ids = body.GetProperty("patterns").EnumerateArray().Select(p => p.Id()).ToHashSet();
            var seesPrivate = who is Who.Owner or Who.Admin or Who.Edit or Who.View;
            Assert.Equal(seesPrivate, ids.Contains(world.Pattern));
            Assert.Contains(world.PublicPattern, ids);
            Assert.Equal(ids.Count, body.GetProperty("preview_patterns").GetArrayLength());
        }
    }
}
