using System.Globalization;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Paging;

/// <summary>A list route's limit and signed cursor, read from its query string the same way on every route.</summary>
public sealed record PageQuery(string LimitName, string CursorName, int DefaultLimit, int MaxLimit, bool KeyIsTime = false)
{
    /// <summary>The page asked for; any other parameter, or a bad value, is a 400 naming each.</summary>
    public (int Limit, PageCursor? Cursor) Parse(IEnumerable<KeyValuePair<string, string?>> parameters, CursorSigner cursors)
    {
        var errors = new ValidationErrors();
        var limit = DefaultLimit;
        PageCursor? cursor = null;
        foreach (var (name, value) in parameters)
        {
            if (name == LimitName && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= MaxLimit)
            {
                limit = n;
            }
            else if (name == CursorName && PageCursor.TryDecode(value, cursors, out var c, KeyIsTime))
            {
                cursor = c;
            }
            else
            {
                errors.Add(name, name == LimitName ? $"must be an integer from 1 to {MaxLimit}"
                    : name == CursorName ? "is not a valid cursor"
                    : "is not a parameter of this route");
            }
        }

        errors.ThrowIfAny("The query parameters are not valid.");
        return (limit, cursor);
    }
}
