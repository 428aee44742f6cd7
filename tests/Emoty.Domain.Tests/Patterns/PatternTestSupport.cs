using Emoty.Domain.Errors;

namespace Emoty.Domain.Tests.Patterns;

internal static class PatternTestSupport
{
    public static JsonElement JsonOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Runs <paramref name="action"/>, expects one validation_failed and returns its errors.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidationErrorsOf(Action action)
    {
        var exception = Assert.Throws<EmotyException>(action);
        Assert.Same(ProblemCode.ValidationFailed, exception.Code);
        Assert.Equal(400, exception.ToProblem().Status);
        Assert.NotNull(exception.Errors);
        return exception.Errors!;
    }

    public static void AssertError(IReadOnlyDictionary<string, string[]> errors, string path, string messagePart)
    {
        Assert.True(errors.TryGetValue(path, out var messages),
            $"No error at '{path}'. Errors: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" | ", e.Value)}"))}");
        Assert.Contains(messages!, m => m.Contains(messagePart, StringComparison.Ordinal));
    }

    /// <summary>A valid positioned create body with the given extra fields (raw JSON members, comma-led).</summary>
    public static string PositionedBody(string extra = "") => $$$"""
        {"name":"Sunset Emoji Art","palette_id":"sunset-orange","size":4,
         "sequence":{"emojis":[{"emoji":"🌅","position":{"row":0,"col":0}},{"emoji":"🌸","position":{"row":0,"col":1}}]}{{{extra}}}}
        """;
}
