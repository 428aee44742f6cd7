using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Errors;
using Microsoft.Azure.Functions.Worker.Http;

namespace Emoty.Functions.Http;

/// <summary>What every write route needs from a request: a JSON body within its size limit, If-Match, query pairs.</summary>
internal static class RequestReader
{
    public const int DefaultMaxBody = 1024 * 1024;
    public const int BatchMaxBody = 4 * 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>The body as JSON: 415 unless it is declared JSON, 413 past <paramref name="maxBytes"/>, 400 when it does not parse.</summary>
    public static async Task<JsonDocument> ReadJsonAsync(this HttpRequestData request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBody)
    {
        var contentType = request.Headers.TryGetValues("Content-Type", out var types) ? types.First() : null;
        var mediaType = contentType?.Split(';')[0].Trim();
        if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                                   || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new EmotyException(ProblemCode.UnsupportedMediaType, "Send the body as application/json.");
        }

        if (request.Headers.TryGetValues("Content-Length", out var lengths)
            && long.TryParse(lengths.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var declared) && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw new EmotyException(ProblemCode.ValidationFailed, "The body is not valid JSON.",
                new Dictionary<string, string[]> { ["$"] = [$"is not valid JSON{where}"] });
        }

        if (BadText(document.RootElement, "") is { } path)
        {
            document.Dispose();
            throw new EmotyException(ProblemCode.ValidationFailed, "The body holds text that is not valid.",
                new Dictionary<string, string[]> { [path.Length == 0 ? "$" : path] = ["is not valid text (invalid UTF-8, a lone surrogate or NUL)"] });
        }

        return document;
    }

    /// <summary>
    /// The path of the first string or property name that .NET cannot read as text or PostgreSQL
    /// cannot store (invalid UTF-8, an unpaired surrogate escape, NUL); null when all of it is
    /// text. Checked once here, so that no parser after this meets such text and fails with a 500.
    /// </summary>
    private static string? BadText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (BadText(item, $"{path}[{index++}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }

                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!IsWellFormed(name))
                    {
                        return path;
                    }

                    if (BadText(property.Value, child) is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }

        static bool IsText(JsonElement value)
        {
            try
            {
                return IsWellFormed(value.GetString()!);
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>No NUL and no unpaired surrogate (an escaped "\ud800" unescapes to one without complaint).</summary>
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c) || (char.IsHighSurrogate(c) && (++i >= text.Length || !char.IsLowSurrogate(text[i]))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The body as JSON when there is one; null for an empty body (routes whose body is optional).</summary>
    public static async Task<JsonDocument?> ReadOptionalJsonAsync(this HttpRequestData request, CancellationToken cancellationToken)
    {
        var declared = request.Headers.TryGetValues("Content-Length", out var lengths) ? lengths.First() : null;
        var hasType = request.Headers.TryGetValues("Content-Type", out _);
        if (declared == "0" || (declared is null && !hasType))
        {
            return null;
        }

        return await request.ReadJsonAsync(cancellationToken);
    }

    /// <summary>The version named by <c>If-Match: "3"</c> (or W/"3"); null without the header; 400 when it names no version.</summary>
    public static int? IfMatchVersion(this HttpRequestData request)
    {
        if (!request.Headers.TryGetValues("If-Match", out var values))
        {
            return null;
        }

        var value = values.First().Trim();
        if (value == "*")
        {
            return null;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        if (value.Length > 2 && value[0] == '"' && value[^1] == '"'
            && int.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
        {
            return version;
        }

        throw new EmotyException(ProblemCode.ValidationFailed, "If-Match must be an ETag of this API, such as \"3\".",
            new Dictionary<string, string[]> { ["If-Match"] = ["must be a quoted version, such as \"3\""] });
    }

    /// <summary>Every query parameter as name/value pairs; a name given twice appears twice (search reports it).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> QueryPairs(this HttpRequestData request)
    {
        var query = request.Query;
        foreach (var key in query.AllKeys)
        {
            foreach (var value in query.GetValues(key) ?? [])
            {
                yield return new(key ?? "", value);
            }
        }
    }

    private static EmotyException TooLarge(int maxBytes) =>
        new(ProblemCode.PayloadTooLarge, $"The body may be at most {maxBytes / 1024} KiB.");
}
