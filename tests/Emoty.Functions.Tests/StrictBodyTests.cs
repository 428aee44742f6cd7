namespace Emoty.Functions.Tests;

/// <summary>What the strict reading of bodies (typed records, source-generated JSON) refuses beyond the field rules.</summary>
[Collection(AppCollection.Name)]
public sealed class StrictBodyTests(EmotyApp app)
{
    private const string Uuid = "6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11";

    [Theory]
    [InlineData("api/patterns", """{"name":"a","name":"b","sequence":["❤️"]}""", "name")]
    [InlineData("api/patterns", """{"name":"x","palette_id":"p","size":2,"sequence":{"emojis":[{"emoji":"🌅","position":{"row":0,"row":1,"col":0}}]}}""", "sequence.emojis[0].position.row")]
    [InlineData("api/collections", """{"name":"a","is_public":true,"is_public":false}""", "is_public")]
    [InlineData("api/events", """{"events":[{"pattern_id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11","type":"view","type":"like"}]}""", "events[0].type")]
    [InlineData("api/patterns/batch", """{"operations":[{"op":"delete","id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11"},{"op":"create","pattern":{"name":"x","sequence":[],"sequence":["❤️"]}}]}""", "operations[1].pattern.sequence")]
    [InlineData("api/sync", """{"client_id":"web","client_id":"web","batch_id":"6f1c1b52-2a8e-4d59-9a53-0e2f3c8c9a11","operations":[]}""", "client_id")]
    public async Task a_member_given_twice_is_400_at_its_path_however_deep(string route, string json, string path)
    {
        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, route, Guid.NewGuid(), json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.Code());
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out var messages), problem.ToString());
        Assert.Equal("appears more than once", messages[0].GetString());
    }

    [Fact]
    public async Task a_member_given_twice_in_a_share_is_400_at_its_path()
    {
        var owner = Guid.NewGuid();
        var pattern = (await app.CreatePatternAsync(owner)).Id();

        var (status, problem, _) = await app.SendAsync(HttpMethod.Post, $"api/patterns/{pattern}/shares", owner,
            $$"""{"user_id":"{{Uuid}}","permission":"view","permission":"admin"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("permission", out _), problem.ToString());
    }
}
