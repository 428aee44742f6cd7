using Emoty.Domain.Json;
using FluentValidation;

namespace Emoty.Domain.Patterns;

public sealed record BatchRequest : RequestBody
{
    public Field<List<Field<BatchOperationRequest>>> Operations { get; init; }
}

public sealed record BatchOperationRequest : RequestBody
{
    public Field<string> Op { get; init; }
    public Field<PatternRequest> Pattern { get; init; }
    public Field<string> Id { get; init; }
    public Field<int> Version { get; init; }
    public Field<PatternRequest> Changes { get; init; }
}

/// <summary>The patterns and changes inside are checked by <see cref="PatternInput"/> afterwards, exactly as on POST and PUT /api/patterns.</summary>
internal sealed class BatchValidator : RequestValidator<BatchRequest>
{
    public BatchValidator()
    {
        RuleFor(x => x).Custom(Unknown<BatchRequest>(_ => "is not a known field"));
        RuleFor(x => x.Operations).Custom((operations, context) =>
            context.Fail(operations.Value is not { } list ? "is required and must be an array"
                : list.Count is < 1 or > PatternService.MaxBatchOperations
                    ? $"must hold 1 to {PatternService.MaxBatchOperations} operations (it holds {list.Count})"
                    : null));
        RuleForEach(x => x.Operations.Value).SetValidator(new OperationValidator())
            .When(x => x.Operations.Value is { Count: >= 1 and <= PatternService.MaxBatchOperations });
    }

    internal static string[]? Allowed(string? op) => op switch
    {
        "create" => ["op", "pattern"],
        "update" => ["op", "id", "version", "changes"],
        "delete" => ["op", "id", "version"],
        _ => null,
    };

    private sealed class OperationValidator : RequestValidator<Field<BatchOperationRequest>>
    {
        public OperationValidator()
        {
            RuleFor(x => x).Custom((operation, context) => context.Fail(operation.Value is null ? "must be an object" : null));
            RuleFor(x => x.Value!.Op).Custom((op, context) => context.Fail(Allowed(op.Value) is null ? "must be one of create, update, delete" : null))
                .When(x => x.Value is not null);
            When(x => Allowed(x.Value?.Op.Value) is not null, () =>
            {
                RuleFor(x => x.Value!).Custom((operation, context) =>
                {
                    var allowed = Allowed(operation.Op.Value)!;
                    foreach (var name in operation.SentMembers().Where(n => !allowed.Contains(n)).Concat(operation.UnknownNames))
                    {
                        context.AddFailure(name, "is not a known field for this operation");
                    }
                });
                RuleFor(x => x.Value!.Pattern).Custom((pattern, context) => context.Fail(pattern.IsSet ? null : "is required"))
                    .When(x => x.Value!.Op.Value == "create");
                RuleFor(x => x.Value!.Id).Custom((id, context) =>
                        context.Fail(id.Value is { } text && Guid.TryParse(text, out _) ? null : "is required and must be a UUID"))
                    .When(x => x.Value!.Op.Value != "create");
                RuleFor(x => x.Value!.Version).Custom((version, context) =>
                        context.Fail(version.IsWrongType || (version.IsSet && version.Value < 1) ? "must be an integer of at least 1" : null))
                    .When(x => x.Value!.Op.Value != "create");
                RuleFor(x => x.Value!.Changes).Custom((changes, context) => context.Fail(changes.IsSet ? null : "is required"))
                    .When(x => x.Value!.Op.Value == "update");
            });
        }
    }
}
