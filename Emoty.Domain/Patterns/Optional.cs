namespace Emoty.Domain.Patterns;

/// <summary>
/// One field of a partial update: absent (not in the body) or present with a value, which may be
/// null. Keeps "leave it alone" apart from "clear it".
/// </summary>
public readonly record struct Optional<T>
{
    private Optional(T value)
    {
        IsSet = true;
        Value = value;
    }

    /// <summary>True when the field was in the body.</summary>
    public bool IsSet { get; }

    /// <summary>The value when <see cref="IsSet"/>; default otherwise.</summary>
    public T Value { get; }

    public static Optional<T> Absent => default;

    public static Optional<T> Of(T value) => new(value);

    /// <summary>The new value when set, else <paramref name="current"/>.</summary>
    public T Or(T current) => IsSet ? Value : current;

    public static implicit operator Optional<T>(T value) => new(value);
}
