using System.Text.Json;

namespace Emoty.LocalHost;

/// <summary>
/// local.settings.json as Core Tools reads it: <c>Values</c>, <c>Host.LocalHttpPort</c>, and
/// <c>Host.CORS</c> (comma-separated origins, or <c>*</c>) with <c>Host.CORSCredentials</c>.
/// </summary>
public sealed record LocalSettingsFile(IReadOnlyDictionary<string, string> Values, int? LocalHttpPort, HostCors? Cors)
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

        var hasHost = root.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.Object;
        int? port = hasHost && host.TryGetProperty("LocalHttpPort", out var portElement) && portElement.TryGetInt32(out var parsed) ? parsed : null;
        HostCors? cors = null;
        if (hasHost && host.TryGetProperty("CORS", out var origins) && origins.ValueKind == JsonValueKind.String)
        {
            var credentials = host.TryGetProperty("CORSCredentials", out var flag) && flag.ValueKind == JsonValueKind.True;
            cors = new HostCors(origins.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), credentials);
        }

        return new LocalSettingsFile(values, port, cors);
    }
}
