namespace Emoty.Functions.Tests;

/// <summary>With Api__RequireVersionOnWrite=true a write must say which version it edits.</summary>
public sealed class RequiredVersionTests() : OwnAppTests(new() { ["Api__RequireVersionOnWrite"] = "true" })
{
    private readonly Guid _owner = Guid.NewGuid();

    [Fact]
    public async Task a_write_without_if_match_or_version_is_428_and_with_either_it_applies()
    {
        var id = (await App.CreatePatternAsync(_owner)).Id();

        var (missing, problem, _) = await App.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "No version" });
        Assert.Equal((HttpStatusCode)428, missing);
        Assert.Equal("precondition_required", problem.Code());

        var (withBody, body, _) = await App.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Body version", version = 1 });
        Assert.Equal(HttpStatusCode.OK, withBody);
        Assert.Equal(2, body.GetProperty("version").GetInt32());

        var (withHeader, _, _) = await App.SendAsync(HttpMethod.Put, $"api/patterns/{id}", _owner, new { name = "Header version" },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"2\""));
        Assert.Equal(HttpStatusCode.OK, withHeader);

        var (batch, batchProblem, _) = await App.SendAsync(HttpMethod.Post, "api/patterns/batch", _owner,
            new { operations = new object[] { new { op = "update", id, changes = new { name = "Batch without version" } } } });
        Assert.Equal((HttpStatusCode)428, batch);
        Assert.Equal(0, batchProblem.GetProperty("operation_index").GetInt32());
    }
}
