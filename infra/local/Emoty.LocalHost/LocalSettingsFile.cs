using System.Text.Json;

namespace Emoty.LocalHost;

/// <summary>local.settings.json as Core Tools reads it: <c>Values</c> and <c>Host.LocalHttpPort</c>.</summary>
internal sealed record LocalSettingsFile(IReadOnlyDictionary<string, string> Values, int? LocalHttpPort)
{
    public static LocalSettingsFile Read(string path)
    {
        using var document = JsonDocument.Parse(
            File.ReadAllBytes(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                // Core Tools passes non-string values (numbers, booleans) through as their text.
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }

        int? port = root.TryGetProperty("Host", out var host)
            && host.TryGetProperty("LocalHttpPort", out var portElement)
            && portElement.TryGetInt32(out var parsed) ? parsed : null;
        return new LocalSettingsFile(values, port);
    }
}
