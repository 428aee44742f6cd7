using System.Text.RegularExpressions;

namespace Emoty.LocalHost;

/// <summary>
/// App settings as the host sees them: the configured values first, then the host's own environment
/// (as in Azure, where app settings are environment variables).
/// </summary>
internal sealed partial class AppSettings(IReadOnlyDictionary<string, string> values)
{
    private readonly Dictionary<string, string> _values = new(values, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    /// <summary>
    /// FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, in bytes, as the platform names it (100 MB unless set): a
    /// body over it is answered 413 before the host reads it.
    /// </summary>
    public long MaxRequestBodySize =>
        long.TryParse(Get("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : 100 * 1024 * 1024;

    /// <summary>Replaces every <c>%Name%</c> with its setting; throws when one is missing, like the real host.</summary>
    public string Resolve(string expression) =>
        SettingReference().Replace(expression, match =>
            Get(match.Groups[1].Value)
            ?? throw new InvalidOperationException($"'{match.Value}' does not resolve to an app setting."));

    /// <summary>A binding's <c>connection</c> names a setting, or the setting "AzureWebJobs" + name.</summary>
    public string StorageConnectionString(string? connection)
    {
        var name = string.IsNullOrEmpty(connection) ? "AzureWebJobsStorage" : connection;
        return Get(name)
            ?? Get("AzureWebJobs" + name)
            ?? throw new InvalidOperationException($"The storage connection setting '{name}' is missing.");
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
