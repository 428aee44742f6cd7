namespace Emoty.Domain.Patterns;

/// <summary>Keeps "leave it alone" (absent from the body) apart from "clear it" (present and null).</summary>
public readonly record struct Optional<T>
{
    private Optional(T value)
    {
        IsSet = true;
        Value = value;
    }

    public bool IsSet { get; }

    public T Value { get; }

    public static Optional<T> Absent => default;

    public static Optional<T> Of(T value) => new(value);

    public T Or(T current) => IsSet ? Value : current;

    public static implicit operator Optional<T>(T value) => new(value);
}
