namespace Emoty.Domain.Errors;

/// <summary>
/// An expected failure that the API reports to the client as a problem. The one mapping to HTTP
/// lives in the Functions middleware; the domain only says what went wrong.
/// </summary>
public class EmotyException(ProblemCode code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(detail ?? code.Title)
{
    public ProblemCode Code { get; } = code;
    public string? Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>For conflicts: the current state of the resource, returned as <c>current</c>.</summary>
    public object? Current { get; init; }

    /// <summary>For 429 and 503: seconds the client should wait.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>For batches: the index of the operation that failed.</summary>
    public int? OperationIndex { get; init; }

    public Problem ToProblem() => Problem.For(Code, Detail, Errors) with { Current = Current, OperationIndex = OperationIndex };
}
