using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Emoty.Domain.Patterns;
using FluentValidation;

namespace Emoty.Domain.Json;

/// <summary>
/// Undeclared members land in <see cref="Unknown"/> so that the validator names every one of them at once (unknown, or set by
/// the server), rather than the serializer stopping at the first.
/// </summary>
public abstract record RequestBody
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    internal IEnumerable<string> UnknownNames => Unknown?.Keys ?? Enumerable.Empty<string>();

    /// <summary>By their JSON names, for rules on which members go together.</summary>
    internal IEnumerable<string> SentMembers() =>
        RequestJsonContext.Default.GetTypeInfo(GetType())!.Properties
            .Where(p => p.Get?.Invoke(this) is IField { IsSet: true })
            .Select(p => p.Name);
}

internal static class RequestJson
{
    /// <summary>
    /// Null, with the reason in <paramref name="errors"/>, for a body that is not an object or what the tolerant <see cref="Field{T}"/>
    /// members leave the serializer to refuse: a member given twice, or one a record without <see cref="RequestBody.Unknown"/> cannot map.
    /// </summary>
    public static T? Read<T>(JsonElement body, JsonTypeInfo<T> type, string prefix, string notAnObject, ValidationErrors errors)
        where T : RequestBody
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(BodyPath(prefix), notAnObject);
            return null;
        }

        try
        {
            return body.Deserialize(type);
        }
        catch (JsonException e)
        {
            var path = "";
            var innermost = e;
            for (JsonException? level = e; level is not null; level = level.InnerException as JsonException)
            {
                path = Join(path, PathOf(level.Path));
                innermost = level;
            }

            // STJ gives no type or code for this; its message is the one way to tell a member given
            // twice from one that a record without RequestBody.Unknown could not map.
            var duplicate = innermost.Message.StartsWith("Duplicate property", StringComparison.Ordinal);
            errors.Add(path.Length == 0 ? BodyPath(prefix) : prefix + path, duplicate ? "appears more than once" : "is not a known field");
            return null;
        }
    }

    private static string Join(string outer, string inner) =>
        inner == PatternInput.RootPath ? outer : outer.Length == 0 ? inner : inner[0] == '[' ? outer + inner : $"{outer}.{inner}";

    public static string BodyPath(string prefix) => prefix.Length == 0 ? PatternInput.RootPath : prefix.TrimEnd('.');

    /// <summary>STJ's <c>$.a.b[0]</c> / <c>$['a b']</c> as <c>a.b[0]</c> / <c>a b</c>.</summary>
    internal static string PathOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return PatternInput.RootPath;
        }

        var result = new System.Text.StringBuilder(path.Length);
        for (var i = 1; i < path.Length; i++)
        {
            if (path[i] == '.')
            {
                if (result.Length > 0)
                {
                    result.Append('.');
                }
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                if (result.Length > 0)
                {
                    result.Append('.');
                }

                result.Append(path, i + 2, end - i - 2);
                i = end + 1;
            }
            else
            {
                result.Append(path[i]);
            }
        }

        return result.ToString();
    }
}

/// <summary>Reports at the API's paths: snake_case, <c>[i]</c> for items, no step for <see cref="Field{T}.Value"/> or an <see cref="IArrayOrObject"/>'s alternatives.</summary>
public abstract class RequestValidator<T> : AbstractValidator<T>
{
    // The resolver is process-wide in FluentValidation; these validators are its only users.
    static RequestValidator() => ValidatorOptions.Global.PropertyNameResolver = (_, _, expression) => PathOf(expression);

    internal const string Now = "now";

    /// <param name="now">For rules about timestamps: validators are built once and shared.</param>
    internal void Check(T request, string prefix, ValidationErrors errors, DateTimeOffset? now = null)
    {
        var context = new ValidationContext<T>(request);
        if (now is { } at)
        {
            context.RootContextData[Now] = at;
        }

        foreach (var failure in Validate(context).Errors)
        {
            errors.Add(failure.PropertyName.Length == 0 ? RequestJson.BodyPath(prefix) : prefix + failure.PropertyName, failure.ErrorMessage);
        }
    }

    protected static Action<TBody, ValidationContext<T>> Unknown<TBody>(Func<string, string> message)
        where TBody : RequestBody? =>
        (body, context) =>
        {
            foreach (var name in body?.UnknownNames ?? [])
            {
                context.AddFailure(name, message(name));
            }
        };

    private static string? PathOf(LambdaExpression? expression)
    {
        var names = new List<string>();
        for (var node = expression?.Body as MemberExpression; node is not null; node = node.Expression as MemberExpression)
        {
            var declaring = node.Member.DeclaringType;
            if (!(declaring is { IsGenericType: true } && declaring.GetGenericTypeDefinition() == typeof(Field<>))
                && !typeof(IArrayOrObject).IsAssignableFrom(declaring))
            {
                names.Insert(0, JsonNamingPolicy.SnakeCaseLower.ConvertName(node.Member.Name));
            }
        }

        return names.Count == 0 ? null : string.Join('.', names);
    }
}

internal static class ValidationContextExtensions
{
    /// <summary>Null is valid, the style of <see cref="PatternRules"/>.</summary>
    public static void Fail<T>(this ValidationContext<T> context, string? message)
    {
        if (message is not null)
        {
            context.AddFailure(message);
        }
    }

    public static DateTimeOffset Now<T>(this ValidationContext<T> context) => (DateTimeOffset)context.RootContextData[RequestValidator<T>.Now];
}
