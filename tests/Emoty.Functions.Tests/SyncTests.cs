using System.Globalization;

namespace Emoty.Functions.Tests;

/// <summary>Offline sync end to end: POST a batch, the queue function applies it, GET its status and the changes feed.</summary>
[Collection(AppCollection.Name)]
public sealed class SyncTests(EmotyApp app)
{
    private readonly Guid _user = Guid.NewGuid();
    private readonly Guid _friend = Guid.NewGuid();

    // ---- building operations (only the fields given: a null base_version would be a 400)

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, object> Operation(string type, DateTimeOffset? at, Guid? opId)
    {
        return new Dictionary<string, object>
        {
            ["op_id"] = opId ?? Guid.NewGuid(),
            ["type"] = type,
            ["client_modified_at"] = Stamp(at ?? DateTimeOffset.UtcNow),
        };
    }

    private static Dictionary<string, object> Create(string? tempId, string name = "Offline heart", Guid? opId = null)
    {
        var operation = Operation("create", null, opId);
        operation["pattern"] = new { name, sequence = new[] { "❤️", "🌸" } };
        if (tempId is not null)
        {
            operation["temp_id"] = tempId;
        }

        return operation;
    }

    private static Dictionary<string, object> Update(object id, object changes, int? baseVersion = null, DateTimeOffset? at = null, Guid? opId = null)
    {
        var operation = Operation("update", at, opId);
        operation["id"] = id.ToString()!;
        operation["changes"] = changes;
        if (baseVersion is { } version)
        {
            operation["base_version"] = version;
        }

        return operation;
    }

    private static Dictionary<string, object> Delete(object id, int? baseVersion = null)
    {
        var operation = Operation("delete", null, null);
        operation["id"] = id.ToString()!;
        if (baseVersion is { } version)
        {
            operation["base_version"] = version;
        }

        return operation;
    }

    private static object Batch(Guid batchId, params object[] operations) => new { client_id = "web-test", batch_id = batchId, operations };

    // ---- talking to the app

    private async Task<Guid> SubmitAsync(Guid user, params object[] operations)
    {
        var batchId = Guid.NewGuid();
        var (status, body, response) = await app.SendAsync(HttpMethod.Post, "api/sync", user, Batch(batchId, operations));
        Assert.True(status == HttpStatusCode.Accepted, $"POST /api/sync: {status} {body}");
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal(batchId, body.GetProperty("batch_id").GetGuid());
        Assert.Equal($"/api/sync/{batchId}", response.Headers.Location?.OriginalString);
        return batchId;
    }

    /// <summary>Polls GET /api/sync/{id} until the batch is completed or failed, failing with its last state.</summary>
    private async Task<JsonElement> WaitForAsync(Guid user, Guid batchId)
    {
        JsonElement body = default;
        await Eventually.TrueAsync(async () =>
        {
            var (status, current, _) = await app.SendAsync(HttpMethod.Get, $"api/sync/{batchId}", user);
            Assert.Equal(HttpStatusCode.OK, status);
            body = current;
            return body.GetProperty("status").GetString() is "completed" or "failed";
        }, () => $"Sync batch {batchId} did not finish; last status: {body}");
        return body;
    }

    private async Task<JsonElement[]> ApplyAsync(Guid user, params object[] operations)
    {
        var batch = await WaitForAsync(user, await SubmitAsync(user, operations));
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        var results = batch.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(operations.Length, results.Length);
        return results;
    }

    private async Task<JsonElement> GetPatternAsync(Guid user, Guid id)
    {
        var (status, body, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", user);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task SignInAsync(Guid user) => (await app.SendAsync(HttpMethod.Get, "api/me", user)).Response.Dispose();

    private static string Status(JsonElement result) => result.GetProperty("status").GetString()!;

    private async Task<long> CountOwnedAsync(Guid user)
    {
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @user", new { user });
    }

    // ---- batches

    [Fact]
    public async Task anonymous_callers_get_401_on_every_sync_route()
    {
        var post = await app.SendAsync(HttpMethod.Post, "api/sync", null, Batch(Guid.NewGuid(), Create("t")));
        var status = await app.SendAsync(HttpMethod.Get, $"api/sync/{Guid.NewGuid()}");
        var changes = await app.SendAsync(HttpMethod.Get, "api/sync/changes");

        Assert.All([post, status, changes], r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.Equal("unauthorized", post.Body.Code());
    }

    [Theory]
    [InlineData("""{"client_id":"web","batch_id":"not-a-uuid","operations":[]}""", "batch_id")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[]}""", "operations")]
    [InlineData("""{"batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{}]}""", "client_id")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"create","pattern":{"name":"x","sequence":["❤️"]}}]}""", "operations[0].client_modified_at")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"create","client_modified_at":"2026-11-25T09:51:51Z","pattern":{"name":"x","sequence":"nope"}}]}""", "operations[0].pattern.sequence")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"create","client_modified_at":"2026-11-25T09:51:51Z","pattern":{"name":"x","sequence":["❤️"]}},{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0003","type":"update","id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0004","client_modified_at":"2026-11-25T09:51:51Z","changes":{"name":"   "}}]}""", "operations[1].changes.name")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"rename","client_modified_at":"2026-11-25T09:51:51Z"}]}""", "operations[0].type")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"delete","id":"x","base_version":-1,"client_modified_at":"2026-11-25T09:51:51Z"}]}""", "operations[0].base_version")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[{"op_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0002","type":"delete","id":"x","client_modified_at":"2026-11-25T09:51:51Z","user_id":"x"}]}""", "operations[0].user_id")]
    [InlineData("""{"client_id":"web","batch_id":"0b5a2b0e-6d55-4e0e-9a0e-2a7a1c1f0001","operations":[],"extra":1}""", "extra")]
    [InlineData("""[1,2,3]""", "$")]
    [InlineData("""{"client_id":""", "$")]
    public async Task invalid_batches_are_400_at_the_offending_path_and_store_nothing(string json, string path)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/sync", _user, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.Code());
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM sync_batches WHERE user_id = @user", new { user = _user }));
    }

    [Fact]
    public async Task a_batch_of_1001_operations_is_400()
    {
        var operations = Enumerable.Range(0, 1001).Select(_ => (object)Delete(Guid.NewGuid())).ToArray();
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/sync", _user, Batch(Guid.NewGuid(), operations));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("operations", out _));
    }

    [Fact]
    public async Task a_batch_is_applied_by_the_queue_function_and_its_temp_ids_work_in_a_later_batch()
    {
        var first = await ApplyAsync(_user,
            Create("temp_1732530000000_ab12cd", "Made offline"),
            Update("temp_1732530000000_ab12cd", new { tags = new[] { "offline" } }, baseVersion: 1));

        Assert.Equal(["applied", "applied"], first.Select(Status));
        var id = first[0].Id();
        Assert.Equal(id, first[1].Id());
        Assert.Equal("temp_1732530000000_ab12cd", first[0].GetProperty("temp_id").GetString());
        Assert.Equal(2, first[1].GetProperty("version").GetInt32());

        var second = await ApplyAsync(_user, Update("temp_1732530000000_ab12cd", new { name = "Renamed later" }, baseVersion: 2));

        Assert.Equal("applied", Status(second[0]));
        Assert.Equal(id, second[0].Id());
        Assert.Equal("temp_1732530000000_ab12cd", second[0].GetProperty("temp_id").GetString());
        var pattern = await GetPatternAsync(_user, id);
        Assert.Equal("Renamed later", pattern.GetProperty("name").GetString());
        Assert.Equal(["offline"], pattern.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, pattern.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task a_re_sent_batch_and_a_re_sent_op_id_are_applied_once()
    {
        var batchId = Guid.NewGuid();
        var create = Create("twice");
        var body = Batch(batchId, create);
        Assert.Equal(HttpStatusCode.Accepted, (await app.SendAsync(HttpMethod.Post, "api/sync", _user, body)).Status);
        var done = await WaitForAsync(_user, batchId);
        var id = done.GetProperty("results")[0].Id();

        var (again, resent, _) = await app.SendAsync(HttpMethod.Post, "api/sync", _user, body);
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal("completed", resent.GetProperty("status").GetString());

        // The same op_id in a new batch (even with another temp_id) gets the first answer.
        var sameOp = Create("another temp", opId: (Guid)create["op_id"]);
        var results = await ApplyAsync(_user, sameOp);
        Assert.Equal(done.GetProperty("results")[0].GetRawText(), results[0].GetRawText());
        Assert.Equal(1, await CountOwnedAsync(_user));
        Assert.Equal(id, results[0].Id());
    }

    [Fact]
    public async Task a_stale_update_merges_with_fields_the_server_changed_meanwhile()
    {
        var id = (await app.CreatePatternAsync(_user)).Id();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _user, new { description = "Written online" })).Response.Dispose();

        var result = (await ApplyAsync(_user, Update(id, new { name = "Named offline", difficulty_rating = 4 }, baseVersion: 1)))[0];

        Assert.Equal("merged", Status(result));
        Assert.Equal(3, result.GetProperty("version").GetInt32());
        var server = result.GetProperty("server");
        Assert.Equal("Named offline", server.GetProperty("name").GetString());
        Assert.Equal("Written online", server.GetProperty("description").GetString());
        Assert.Equal(4, server.GetProperty("difficulty_rating").GetInt32());
        var stored = await GetPatternAsync(_user, id);
        Assert.Equal("Named offline", stored.GetProperty("name").GetString());
        Assert.Equal("Written online", stored.GetProperty("description").GetString());
        Assert.Equal(3, stored.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task the_same_field_changed_on_both_sides_goes_to_the_later_write_either_way()
    {
        var laterClient = (await app.CreatePatternAsync(_user)).Id();
        var laterServer = (await app.CreatePatternAsync(_user)).Id();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{laterClient}", _user, new { name = "Server name" })).Response.Dispose();
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{laterServer}", _user, new { name = "Server name" })).Response.Dispose();

        var results = await ApplyAsync(_user,
            Update(laterClient, new { name = "Client name" }, baseVersion: 1, at: DateTimeOffset.UtcNow),
            Update(laterServer, new { name = "Client name", description = "Client text" }, baseVersion: 1, at: longAgo));

        Assert.Equal(["conflict", "conflict"], results.Select(Status));
        Assert.Equal("client", results[0].GetProperty("conflicts")[0].GetProperty("winner").GetString());
        Assert.Equal("Client name", results[0].GetProperty("server").GetProperty("name").GetString());
        Assert.Equal("Client name", (await GetPatternAsync(_user, laterClient)).GetProperty("name").GetString());

        Assert.Equal("server", results[1].GetProperty("conflicts")[0].GetProperty("winner").GetString());
        Assert.Equal("name", results[1].GetProperty("conflicts")[0].GetProperty("field").GetString());
        var kept = await GetPatternAsync(_user, laterServer);
        Assert.Equal("Server name", kept.GetProperty("name").GetString());
        Assert.Equal("Client text", kept.GetProperty("description").GetString());
        Assert.Equal("Server name", results[1].GetProperty("server").GetProperty("name").GetString());
    }

    [Fact]
    public async Task a_rejected_operation_does_not_stop_the_operations_after_it()
    {
        var hidden = (await app.CreatePatternAsync(_friend)).Id();
        var results = await ApplyAsync(_user,
            Create("first"),
            Update(Guid.NewGuid(), new { name = "Nowhere" }),
            WithParent(Create(null), hidden),
            Update("first", new { name = "Still applied" }),
            Update("never-created", new { name = "x" }));

        Assert.Equal(["applied", "rejected", "rejected", "applied", "rejected"], results.Select(Status));
        Assert.Equal("not_found", results[1].GetProperty("error").Code());
        Assert.Equal(404, results[1].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("validation_failed", results[2].GetProperty("error").Code());
        Assert.True(results[2].GetProperty("error").GetProperty("errors").TryGetProperty("operations[2].pattern.parent_pattern_id", out _));
        Assert.Equal("not_found", results[4].GetProperty("error").Code());
        Assert.Equal("never-created", results[4].GetProperty("temp_id").GetString());
        Assert.Equal("Still applied", (await GetPatternAsync(_user, results[0].Id())).GetProperty("name").GetString());
        Assert.Equal(1, await CountOwnedAsync(_user));

        static Dictionary<string, object> WithParent(Dictionary<string, object> create, Guid parent)
        {
            create["pattern"] = new { name = "Child", sequence = new[] { "🌱" }, parent_pattern_id = parent };
            return create;
        }
    }

    [Fact]
    public async Task another_users_batch_is_404_to_read_and_409_to_reuse()
    {
        var batchId = await SubmitAsync(_user, Create("mine"));

        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/sync/{batchId}", _friend)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/sync/{Guid.NewGuid()}", _user)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, "api/sync/not-a-guid", _user)).Status);
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/sync", _friend, Batch(batchId, Create("theirs")));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("batch_id", out _));
        await WaitForAsync(_user, batchId);
        Assert.Equal(0, await CountOwnedAsync(_friend));
    }

    [Fact]
    public async Task another_users_pattern_follows_the_access_policy_exactly_as_over_http()
    {
        await SignInAsync(_friend);
        var pattern = (await app.CreatePatternAsync(_user)).Id();

        var stranger = await ApplyAsync(_friend, Update(pattern, new { name = "Hijacked" }), Delete(pattern));
        Assert.All(stranger, r => Assert.Equal(404, r.GetProperty("error").GetProperty("status").GetInt32()));

        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _user, new { user_id = _friend, permission = "edit" })).Response.Dispose();
        var editor = await ApplyAsync(_friend, Update(pattern, new { name = "Edited by friend" }), Update(pattern, new { is_public = true }), Delete(pattern));
        Assert.Equal(["applied", "rejected", "rejected"], editor.Select(Status));
        Assert.Equal(403, editor[1].GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(403, editor[2].GetProperty("error").GetProperty("status").GetInt32());

        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", _user, new { user_id = _friend, permission = "admin" })).Response.Dispose();
        var admin = await ApplyAsync(_friend, Delete(pattern), Delete(pattern));
        Assert.Equal(["applied", "applied"], admin.Select(Status));
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{pattern}", _user)).Status);
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        Assert.Equal("Edited by friend", await db.ExecuteScalarAsync<string>("SELECT name FROM patterns WHERE id = @pattern", new { pattern }));
    }

    [Fact]
    public async Task a_stale_delete_loses_to_a_later_server_edit()
    {
        // The delete was made offline a minute before the edit reached the server: no clock needs to tick between them.
        var id = (await app.CreatePatternAsync(_user)).Id();
        var deletedOffline = DateTimeOffset.UtcNow.AddMinutes(-1);
        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _user, new { name = "Edited after the delete" })).Response.Dispose();

        var stale = Delete(id, baseVersion: 1);
        stale["client_modified_at"] = Stamp(deletedOffline);
        var result = (await ApplyAsync(_user, stale))[0];

        Assert.Equal("conflict", Status(result));
        Assert.Equal("Edited after the delete", result.GetProperty("server").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", _user)).Status);
    }

    // ---- changes feed

    private async Task<(List<JsonElement> Changes, string Cursor)> FollowAsync(Guid user, string? since, Func<List<JsonElement>, bool> done)
    {
        var changes = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(Eventually.PatienceSeconds);
        var cursor = since;
        while (true)
        {
            var path = cursor is null ? "api/sync/changes?limit=3" : $"api/sync/changes?limit=3&since={Uri.EscapeDataString(cursor)}";
            var (status, page, _) = await app.SendAsync(HttpMethod.Get, path, user);
            Assert.Equal(HttpStatusCode.OK, status);
            changes.AddRange(page.GetProperty("changes").EnumerateArray());
            cursor = page.GetProperty("next_cursor").GetString()!;
            var hasMore = page.GetProperty("has_more").GetBoolean();
            if (!hasMore && done(changes))
            {
                return (changes, cursor);
            }

            Assert.True(DateTime.UtcNow < deadline, "The feed did not deliver what was expected; got: " + string.Join(", ", changes));
            if (!hasMore)
            {
                await Task.Delay(100);
            }
        }
    }

    private static bool Has(List<JsonElement> changes, Guid id, string change) =>
        changes.Any(c => c.Id() == id && c.GetProperty("change").GetString() == change);

    [Fact]
    public async Task the_changes_feed_brings_own_shared_and_favourite_patterns_and_tombstones_when_they_leave()
    {
        await SignInAsync(_user);
        var mine = (await app.CreatePatternAsync(_user)).Id();
        var shared = (await app.CreatePatternAsync(_friend)).Id();
        var liked = (await app.CreatePatternAsync(_friend, new { name = "Public", sequence = new[] { "⭐" }, is_public = true })).Id();
        var unrelated = (await app.CreatePatternAsync(_friend)).Id();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{shared}/shares", _friend, new { user_id = _user, permission = "view" })).Response.Dispose();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{liked}/favorite", _user)).Response.Dispose();

        var (first, cursor) = await FollowAsync(_user, null, c => Has(c, mine, "upsert") && Has(c, shared, "upsert") && Has(c, liked, "upsert"));
        Assert.DoesNotContain(first, c => c.Id() == unrelated);
        Assert.Equal("view", first.Last(c => c.Id() == shared).GetProperty("pattern").GetProperty("permission").GetString());

        (await app.SendAsync(HttpMethod.Put, $"api/patterns/{shared}", _friend, new { name = "Changed by its owner" })).Response.Dispose();
        var (second, cursor2) = await FollowAsync(_user, cursor, c => Has(c, shared, "upsert"));
        Assert.Equal("Changed by its owner", second.Last(c => c.Id() == shared).GetProperty("pattern").GetProperty("name").GetString());

        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{shared}/shares/{_user}", _friend)).Response.Dispose();
        (await app.SendAsync(HttpMethod.Post, $"api/patterns/{liked}/favorite", _user)).Response.Dispose();
        (await app.SendAsync(HttpMethod.Delete, $"api/patterns/{mine}", _user)).Response.Dispose();
        var (third, _) = await FollowAsync(_user, cursor2, c => Has(c, shared, "delete") && Has(c, liked, "delete") && Has(c, mine, "delete"));
        Assert.All(third, c => Assert.False(c.TryGetProperty("pattern", out _)));
    }

    [Fact]
    public async Task following_the_feed_while_patterns_change_misses_no_final_version()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await app.CreatePatternAsync(_user)).Id());
        }

        var writers = ids.Select((id, w) => Task.Run(async () =>
        {
            for (var n = 0; n < 8; n++)
            {
                (await app.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _user, new { name = $"Write {w}.{n}" })).Response.Dispose();
            }
        })).ToArray();

        var seen = new List<JsonElement>();
        string? cursor = null;
        while (!writers.All(w => w.IsCompleted))
        {
            var (_, page, _) = await app.SendAsync(HttpMethod.Get, "api/sync/changes?limit=2" + (cursor is null ? "" : "&since=" + Uri.EscapeDataString(cursor)), _user);
            seen.AddRange(page.GetProperty("changes").EnumerateArray());
            cursor = page.GetProperty("next_cursor").GetString();
        }

        await Task.WhenAll(writers);
        var (rest, _) = await FollowAsync(_user, cursor, c =>
            ids.All(id => seen.Concat(c).LastOrDefault(x => x.Id() == id) is { ValueKind: JsonValueKind.Object } last
                          && last.GetProperty("pattern").GetProperty("version").GetInt32() == 9));
        seen.AddRange(rest);

        foreach (var id in ids)
        {
            var versions = seen.Where(c => c.Id() == id).Select(c => c.GetProperty("pattern").GetProperty("version").GetInt32()).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(9, versions[^1]);
        }
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("since=bogus", "since")]
    [InlineData("since=", "since")]
    [InlineData("offset=10", "offset")]
    [InlineData("limit=5&limit=6", "limit")]
    public async Task bad_changes_parameters_are_400_at_their_name(string query, string name)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Get, $"api/sync/changes?{query}", _user);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(name, out _), problem.ToString());
    }
}

/// <summary>Batches that never reached the queue, picked up by the recovery timer (every second here) in an app of its own.</summary>
public sealed class SyncRecoveryTimerTests() : OwnAppTests(new() { ["SyncRecoverySchedule"] = "*/1 * * * * *" })
{
    [Fact]
    public async Task a_batch_stored_while_the_queue_was_down_is_enqueued_by_the_timer_and_completed()
    {
        var user = Guid.NewGuid();
        (await App.SendAsync(HttpMethod.Get, "api/me", user)).Response.Dispose();
        var batchId = Guid.NewGuid();
        // What POST leaves behind when the queue does not answer: the row, queued, never enqueued.
        await using (var db = new NpgsqlConnection(App.DatabaseConnectionString))
        {
            await db.ExecuteAsync("""
                INSERT INTO sync_batches (batch_id, user_id, client_id, operations, received_at)
                VALUES (@batchId, @user, 'web', @operations::jsonb, now() - interval '1 minute')
                """, new
            {
                batchId,
                user,
                operations = $$"""[{"op_id":"{{Guid.NewGuid()}}","type":"create","client_modified_at":"2026-11-25T09:51:51Z","pattern":{"name":"Stranded","sequence":["🛟"]} }]""",
            });
        }

        string? status = null;
        await Eventually.TrueAsync(async () =>
        {
            status = (await App.SendAsync(HttpMethod.Get, $"api/sync/{batchId}", user)).Body.GetProperty("status").GetString();
            return status == "completed";
        }, () => $"the stranded batch is {status}, not completed");
        var (_, batch, _) = await App.SendAsync(HttpMethod.Get, $"api/sync/{batchId}", user);
        Assert.Equal("applied", batch.GetProperty("results")[0].GetProperty("status").GetString());
    }
}

/// <summary>History past its retention, pruned by the timer (every second here) in an app of its own.</summary>
public sealed class HistoryPruningTimerTests() : OwnAppTests(new() { ["HistoryPruneSchedule"] = "*/1 * * * * *" })
{
    [Fact]
    public async Task a_client_whose_cursor_points_into_pruned_history_gets_410_and_resyncs_without_a_cursor()
    {
        var owner = Guid.NewGuid();
        var fan = Guid.NewGuid();
        var own = (await App.CreatePatternAsync(fan, new { name = "Own", sequence = new[] { "🏠" } })).Id();
        var before = await PullAsync(fan, null, own);
        var liked = (await App.CreatePatternAsync(owner, new { name = "Liked long ago", sequence = new[] { "💘" }, is_public = true })).Id();
        Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Put, $"api/patterns/{liked}/favorite", fan)).Status);
        var after = await PullAsync(fan, before, liked);

        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        await db.ExecuteAsync("UPDATE sync_feed_events SET created_at = now() - interval '31 days' WHERE user_id = @fan", new { fan });
        await Eventually.TrueAsync(async () => !await db.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM sync_feed_events WHERE user_id = @fan)", new { fan }),
            "the timer did not prune the old feed event", 60);

        var (status, problem, response) = await App.SendAsync(HttpMethod.Get, $"api/sync/changes?since={Uri.EscapeDataString(before)}", fan);
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal("cursor_expired", problem.Code());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, (await App.SendAsync(HttpMethod.Get, $"api/sync/changes?since={Uri.EscapeDataString(after)}", fan)).Status);
        var (_, fresh, _) = await App.SendAsync(HttpMethod.Get, "api/sync/changes", fan);
        Assert.Equal(new[] { own, liked }.Order(), fresh.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).Order());
    }

    [Fact]
    public async Task raw_usage_events_are_pruned_once_they_cannot_match_a_duplicate_and_their_figures_stay()
    {
        var owner = Guid.NewGuid();
        var pattern = (await App.CreatePatternAsync(owner, new { name = "Downloaded", sequence = new[] { "📥" }, is_public = true })).Id();
        Assert.Equal(HttpStatusCode.Accepted, (await App.SendAsync(HttpMethod.Post, "api/events", Guid.NewGuid(),
            new { events = new[] { new { pattern_id = pattern, type = "download" } } })).Status);
        await using var db = new NpgsqlConnection(App.DatabaseConnectionString);
        await Eventually.TrueAsync(async () => await db.ExecuteScalarAsync<long>("SELECT coalesce(sum(downloads), 0) FROM pattern_usage_totals WHERE pattern_id = @pattern", new { pattern }) == 1,
            "the download was not counted");

        await db.ExecuteAsync("UPDATE pattern_usage_events SET occurred_at = now() - interval '32 days' WHERE pattern_id = @pattern", new { pattern });
        await Eventually.TrueAsync(async () => !await db.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pattern_usage_events WHERE pattern_id = @pattern)", new { pattern }),
            "the timer did not prune the old raw event", 60);

        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT downloads FROM pattern_usage_totals WHERE pattern_id = @pattern", new { pattern }));
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT sum(downloads) FROM pattern_usage_stats WHERE pattern_id = @pattern", new { pattern }));
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT unique_users FROM pattern_usage_totals WHERE pattern_id = @pattern", new { pattern }));
    }

    /// <summary>Follows the feed from <paramref name="since"/> until <paramref name="expected"/> has come; returns the cursor.</summary>
    private async Task<string> PullAsync(Guid user, string? since, Guid expected)
    {
        var seen = false;
        var cursor = since;
        await Eventually.TrueAsync(async () =>
        {
            var (_, page, _) = await App.SendAsync(HttpMethod.Get, "api/sync/changes" + (cursor is null ? "" : "?since=" + Uri.EscapeDataString(cursor)), user);
            seen |= page.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == expected);
            cursor = page.GetProperty("next_cursor").GetString();
            return seen && !page.GetProperty("has_more").GetBoolean();
        }, $"the feed did not bring {expected}", 30);
        return cursor!;
    }
}
