using Emoty.Domain.Json;
using Emoty.Domain.Patterns;
using FluentValidation;

namespace Emoty.Domain.Sync;

public sealed record SyncRequest : RequestBody
{
    public Field<string> ClientId { get; init; }
    public Field<string> BatchId { get; init; }
    public Field<List<Field<SyncOperationRequest>>> Operations { get; init; }
}

public sealed record SyncOperationRequest : RequestBody
{
    public Field<string> OpId { get; init; }
    public Field<string> Type { get; init; }
    public Field<string> ClientModifiedAt { get; init; }
    public Field<string> TempId { get; init; }
    public Field<string> Id { get; init; }
    public Field<int> BaseVersion { get; init; }
    public Field<PatternRequest> Pattern { get; init; }
    public Field<PatternRequest> Changes { get; init; }
}

internal sealed class SyncRequestValidator : RequestValidator<SyncRequest>
{
    public SyncRequestValidator()
    {
        RuleFor(x => x).Custom(Unknown<SyncRequest>(_ => "is not a known field"));
        RuleFor(x => x.ClientId).Custom((id, context) =>
            context.Fail(!id.IsSet ? "is required"
                : id.Value is { } text && SyncInput.TextError(text, SyncInput.MaxClientIdLength) is null ? null
                : $"must be a string of 1 to {SyncInput.MaxClientIdLength} characters without control characters"));
        RuleFor(x => x.BatchId).Custom((id, context) => context.Fail(SyncOperationValidator.UuidError(id)));
        RuleFor(x => x.Operations).Custom((operations, context) =>
            context.Fail(!operations.IsSet ? "is required"
                : operations.Value is not { } list ? "must be an array"
                : SyncInput.CountError(list.Count)));
    }
}

internal sealed class SyncOperationValidator : RequestValidator<Field<SyncOperationRequest>>
{
    private static readonly string[] CreateFields = ["op_id", "type", "client_modified_at", "temp_id", "pattern"];
    private static readonly string[] UpdateFields = ["op_id", "type", "client_modified_at", "id", "base_version", "changes"];
    private static readonly string[] DeleteFields = ["op_id", "type", "client_modified_at", "id", "base_version"];
    private static readonly string[] AnyOperationFields = [.. CreateFields.Union(UpdateFields)];

    public SyncOperationValidator()
    {
        RuleFor(x => x).Custom((operation, context) => context.Fail(operation.Value is null ? "must be an object" : null));
        When(x => x.Value is not null, () =>
        {
            RuleFor(x => x.Value!.Type).Custom((type, context) =>
                context.Fail(!type.IsSet ? "is required" : SyncInput.TypeOf(type.Value) is null ? "must be one of create, update, delete" : null));
            RuleFor(x => x.Value!).Custom((operation, context) =>
            {
                var (allowed, message) = Allowed(operation);
                foreach (var name in operation.SentMembers().Where(n => !allowed.Contains(n)).Concat(operation.UnknownNames))
                {
                    context.AddFailure(name, message);
                }
            });
            RuleFor(x => x.Value!.OpId).Custom((id, context) => context.Fail(UuidError(id)));
            RuleFor(x => x.Value!.ClientModifiedAt).Custom((at, context) =>
                context.Fail(!at.IsSet ? "is required"
                    : at.Value is { } text && SyncInput.Timestamp(text) is not null ? null
                    : "must be an ISO-8601 timestamp with an offset, like 2026-11-25T09:51:51.123Z"));
            RuleFor(x => x.Value!.BaseVersion).Custom((version, context) =>
                    context.Fail(version.IsWrongType || (version.IsSet && version.Value < 1) ? "must be a positive integer" : null))
                .When(x => Allowed(x.Value!).Fields.Contains("base_version"));
            RuleFor(x => x.Value!.TempId).Custom((id, context) =>
                    context.Fail(!id.IsSet || (id.Value is { } text && SyncInput.TextError(text, SyncInput.MaxTempIdLength) is null) ? null
                        : $"must be a string of 1 to {SyncInput.MaxTempIdLength} characters without control characters"))
                .When(x => Allowed(x.Value!).Fields.Contains("temp_id"));
            RuleFor(x => x.Value!.Id).Custom((id, context) =>
                    context.Fail(!id.IsSet ? "is required"
                        : id.Value is { } text && (Guid.TryParseExact(text, "D", out _) || SyncInput.TextError(text, SyncInput.MaxTempIdLength) is null) ? null
                        : $"must be a pattern id (UUID) or a temp_id of 1 to {SyncInput.MaxTempIdLength} characters"))
                .When(x => SyncInput.TypeOf(x.Value!.Type.Value) is SyncOperationType.Update or SyncOperationType.Delete);
            RuleFor(x => x.Value!.Pattern).Custom((pattern, context) => context.Fail(pattern.IsSet ? null : "is required"))
                .When(x => SyncInput.TypeOf(x.Value!.Type.Value) == SyncOperationType.Create);
            RuleFor(x => x.Value!.Changes).Custom((changes, context) => context.Fail(changes.IsSet ? null : "is required"))
                .When(x => SyncInput.TypeOf(x.Value!.Type.Value) == SyncOperationType.Update);
        });
    }

    internal static string? UuidError(Field<string> id) =>
        !id.IsSet ? "is required" : id.Value is { } text && Guid.TryParseExact(text, "D", out _) ? null : "must be a UUID (8-4-4-4-12 hexadecimal digits)";

    private static (string[] Fields, string Message) Allowed(SyncOperationRequest operation) => SyncInput.TypeOf(operation.Type.Value) switch
    {
        SyncOperationType.Create => (CreateFields, "is not a field of a create operation"),
        SyncOperationType.Update => (UpdateFields, "is not a field of an update operation"),
        SyncOperationType.Delete => (DeleteFields, "is not a field of a delete operation"),
        _ => (AnyOperationFields, "is not a known field"),
    };
}
