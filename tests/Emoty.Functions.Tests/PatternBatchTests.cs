namespace Emoty.Functions.Tests;

[Collection(AppCollection.Name)]
public sealed class PatternBatchTests(EmotyApp app)
{
    private readonly Guid _owner = Guid.NewGuid();

    private async Task<long> CountOwnedAsync()
    {
        await using var db = new NpgsqlConnection(app.DatabaseConnectionString);
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM patterns WHERE user_id = @owner", new { owner = _owner });
    }

    [Fact]
    public async Task a_mixed_batch_applies_every_operation_in_order()
    {
        var toUpdate = (await app.CreatePatternAsync(_owner)).Id();
        var toDelete = (await app.CreatePatternAsync(_owner)).Id();

        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, new
        {
            operations = new object[]
            {
                new { op = "create", pattern = new { name = "Batch made", sequence = new[] { "🍓", "🍊" } } },
                new { op = "update", id = toUpdate, version = 1, changes = new { name = "Batch renamed" } },
                new { op = "delete", id = toDelete },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["created", "updated", "deleted"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([0, 1, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(1, results[0].GetProperty("version").GetInt32());
        Assert.Equal(2, results[1].GetProperty("version").GetInt32());
        Assert.Equal(toUpdate, results[1].Id());
        Assert.Equal(HttpStatusCode.NotFound, (await app.SendAsync(HttpMethod.Get, $"api/patterns/{toDelete}", _owner)).Status);
    }

    [Fact]
    public async Task a_batch_whose_300th_operation_is_invalid_writes_nothing_and_names_it()
    {
        var before = await CountOwnedAsync();
        var operations = Enumerable.Range(0, 400).Select(i => (object)new
        {
            op = "create",
            pattern = i == 299
                ? new { name = "", sequence = new[] { "❤️" } }
                : new { name = $"Bulk {i}", sequence = new[] { "❤️" } },
        }).ToArray();

        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, new { operations });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.Code());
        Assert.Equal(299, problem.GetProperty("operation_index").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("operations[299].pattern.name", out _));
        Assert.Contains("operations[299]", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountOwnedAsync());
    }

    [Fact]
    public async Task a_stale_version_deep_in_a_batch_rolls_back_the_operations_before_it()
    {
        var id = (await app.CreatePatternAsync(_owner)).Id();
        var before = await CountOwnedAsync();

        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, new
        {
            operations = new object[]
            {
                new { op = "create", pattern = new { name = "Rolled back", sequence = new[] { "🌊" } } },
                new { op = "update", id, version = 1, changes = new { name = "First write" } },
                new { op = "update", id, version = 1, changes = new { name = "Lost update" } },
            },
        });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("version_conflict", problem.Code());
        Assert.Equal(2, problem.GetProperty("operation_index").GetInt32());
        Assert.Equal(before, await CountOwnedAsync());
        var (_, current, _) = await app.SendAsync(HttpMethod.Get, $"api/patterns/{id}", _owner);
        Assert.Equal(1, current.GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("""{"operations":[]}""", "operations")]
    [InlineData("""{"operations":[{"op":"explode"}]}""", "operations[0].op")]
    [InlineData("""{"operations":[{"op":"delete","id":"nope"}]}""", "operations[0].id")]
    [InlineData("""{"operations":[{"op":"delete","id":"6f1c1ac4-4f8e-4a52-9a55-0d3c1f1b8f7e","extra":1}]}""", "operations[0].extra")]
    [InlineData("""{"ops":[]}""", "ops")]
    public async Task malformed_batches_are_400_at_the_offending_path(string json, string path)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
    }

    [Fact]
    public async Task a_batch_of_501_operations_is_rejected()
    {
        var operations = Enumerable.Range(0, 501).Select(i => new { op = "delete", id = Guid.NewGuid() }).ToArray();
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, new { operations });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("operations", out _));
    }

    [Fact]
    public async Task a_batch_of_500_creates_lands_in_one_request()
    {
        var before = await CountOwnedAsync();
        var operations = Enumerable.Range(0, 500).Select(i => new { op = "create", pattern = new { name = $"Many {i}", sequence = new[] { "🌸", "🌷" } } }).ToArray();

        var (status, body, _) = await app.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner, new { operations });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(500, body.GetProperty("results").GetArrayLength());
        Assert.Equal(before + 500, await CountOwnedAsync());
    }
}
