using Emoty.Domain.Errors;

namespace Emoty.Domain.Exports;

public enum ExportFormat { Json, Ndjson, Csv }

public static class ExportFormats
{
    /// <summary>Checked before anything is written. The first of <paramref name="offered"/> is the default.</summary>
    public static ExportFormat Parse(IEnumerable<KeyValuePair<string, string?>> parameters, params ExportFormat[] offered)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var format = offered[0];
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (name != "format")
            {
                errors[name] = ["is not a parameter of this route"];
            }
            else if (Array.FindIndex(offered, f => Name(f) == value) is var chosen and >= 0)
            {
                format = offered[chosen];
            }
            else
            {
                errors[name] = [$"must be {string.Join(" or ", offered.Select(Name))}"];
            }
        }

        return errors.Count > 0 ? throw new EmotyException(ProblemCode.ValidationFailed, "The query parameters are not valid.", errors) : format;
    }

    public static string Name(ExportFormat format) => format switch
    {
        ExportFormat.Json => "json",
        ExportFormat.Ndjson => "ndjson",
        ExportFormat.Csv => "csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };
}
