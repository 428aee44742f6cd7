namespace Emoty.Domain.Errors;

/// <summary>An expected failure, reported as a problem; the one mapping to HTTP lives in the Functions middleware.</summary>
public class EmotyException(ProblemCode code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail ?? code.Title)
{
    public ProblemCode Code { get; } = code;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    public object? Current { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public int? OperationIndex { get; init; }

    public Problem ToProblem() => Problem.For(Code, Detail, Errors) with { Current = Current, OperationIndex = OperationIndex };
}
