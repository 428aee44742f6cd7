using System.Text.Json.Serialization;

namespace Emoty.Domain.Errors;

/// <summary>An RFC 9457 problem details body, with the API's own <c>code</c> and field <c>errors</c>.</summary>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    string? Detail,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null,
    string? TraceId = null)
{
    /// <summary>The resource as it is now, so the client can merge without another read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Current { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? OperationIndex { get; init; }

    public static Problem For(ProblemCode code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new($"https://emoty.app/problems/{code.Name.Replace('_', '-')}", code.Title, code.Status, detail, code.Name, errors);
}

public sealed record ProblemCode(string Name, int Status, string Title)
{
    public static readonly ProblemCode ValidationFailed = new("validation_failed", 400, "The request is not valid.");
    public static readonly ProblemCode Unauthorized = new("unauthorized", 401, "Authentication is required or the token is not valid.");
    public static readonly ProblemCode Forbidden = new("forbidden", 403, "You may not do this.");
    public static readonly ProblemCode NotFound = new("not_found", 404, "The resource does not exist or is not visible to you.");
    public static readonly ProblemCode VersionConflict = new("version_conflict", 409, "The resource has changed since you read it.");
    public static readonly ProblemCode Duplicate = new("version_conflict", 409, "The resource already exists.");
    public static readonly ProblemCode PreconditionFailed = new("version_conflict", 412, "The If-Match precondition failed.");
    public static readonly ProblemCode PreconditionRequired = new("precondition_required", 428, "A version (If-Match or version) is required.");
    public static readonly ProblemCode PayloadTooLarge = new("payload_too_large", 413, "The request body is too large.");
    public static readonly ProblemCode UnsupportedMediaType = new("unsupported_media_type", 415, "The request body must be JSON.");
    public static readonly ProblemCode RateLimited = new("rate_limited", 429, "Too many requests.");
    public static readonly ProblemCode CursorExpired = new("cursor_expired", 410, "The cursor is older than the history kept; start again without one.");
    public static readonly ProblemCode ServiceUnavailable = new("service_unavailable", 503, "A dependency is unavailable; try again shortly.");
    public static readonly ProblemCode InternalError = new("internal_error", 500, "Something went wrong on our side.");
}
