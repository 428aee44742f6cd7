using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Emoty.Domain.Json;

/// <summary>
/// A wrong JSON type is a value here, not an exception, so its message comes back together with every other problem of the
/// body instead of stopping the read at the first one. Null counts as the expected type; the validator decides whether it is allowed.
/// </summary>
[JsonConverter(typeof(FieldConverterFactory))]
public readonly record struct Field<T> : IField
{
    public bool IsSet { get; init; }

    /// <summary>In the body with the expected JSON type, or null.</summary>
    public bool IsValid { get; init; }

    public T? Value { get; init; }

    public bool IsWrongType => IsSet && !IsValid;

    public static Field<T> Of(T? value) => new() { IsSet = true, IsValid = true, Value = value };

    internal static Field<T> WrongType => new() { IsSet = true };
}

internal interface IField
{
    bool IsSet { get; }
}

/// <summary>An array or an object (a pattern's sequence): its members are the alternatives, so they add no step to an error path.</summary>
public interface IArrayOrObject;

internal sealed class FieldConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Field<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(FieldConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()))!;
}

/// <summary>Exactly one JSON type per .NET type; a <c>long</c> takes any integral number, clamped, so 1e30 is reported as out of range.</summary>
internal sealed class FieldConverter<T> : JsonConverter<Field<T>>
{
    // An escaped lone surrogate cannot be decoded to a string. This stands in for it, so that the
    // text rules reject it as they reject any other text that is not valid.
    internal const string UndecodableText = "\uD800";

    private static readonly Type Target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);

    public override bool HandleNull => true;

    public override Field<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default(T) is null ? Field<T>.Of(default) : Field<T>.WrongType;
        }

        object? value = Target switch
        {
            _ when Target == typeof(string) => reader.TokenType == JsonTokenType.String ? ReadText(ref reader) : null,
            _ when Target == typeof(bool) => reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : null,
            _ when Target == typeof(int) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var small) ? small : null,
            _ when Target == typeof(long) => reader.TokenType == JsonTokenType.Number && TryReadInteger(ref reader, out var large) ? large : null,
            _ when Target == typeof(JsonElement) => JsonElement.ParseValue(ref reader),
            _ when reader.TokenType == JsonTokenType.StartObject && !IsList => ReadNested(ref reader, options),
            _ when reader.TokenType == JsonTokenType.StartArray && (IsList || typeof(IArrayOrObject).IsAssignableFrom(Target)) => ReadNested(ref reader, options),
            _ => null,
        };

        if (value is null)
        {
            reader.Skip();
            return Field<T>.WrongType;
        }

        return Field<T>.Of((T)value);
    }

    public override void Write(Utf8JsonWriter writer, Field<T> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request members are only read.");

    private static T? ReadNested(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
        }
        catch (JsonException inner)
        {
            // The nested read reports paths from its own root; wrapped without a path, the outer read
            // adds where this value sits, and RequestJson joins the two.
            throw new JsonException(inner.Message, inner);
        }
    }

    private static bool IsList => Target.IsGenericType && Target.GetGenericTypeDefinition() == typeof(List<>);

    private static string ReadText(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return UndecodableText;
        }
    }

    /// <summary>Written as <c>3</c>, <c>3.0</c> or <c>3e0</c>.</summary>
    private static bool TryReadInteger(ref Utf8JsonReader reader, out long number)
    {
        if (reader.TryGetInt64(out number))
        {
            return true;
        }

        if (reader.TryGetDouble(out var real) && double.IsFinite(real) && Math.Floor(real) == real)
        {
            number = real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)real;
            return true;
        }

        return false;
    }
}
