using System.Text.Json;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Json;

namespace Emoty.Domain.Patterns;

public sealed record BatchResult(IReadOnlyList<BatchOperationResult> Results);

public sealed record BatchOperationResult(int Index, Guid Id, int? Version, string Status);

public sealed partial class PatternService
{
    public const int MaxBatchOperations = 500;

    private abstract record BatchOperation(int Index);
    private sealed record CreateOperation(int Index, PatternDraft Draft) : BatchOperation(Index);
    private sealed record UpdateOperation(int Index, Guid Id, int? Version, PatternChanges Changes) : BatchOperation(Index);
    private sealed record DeleteOperation(int Index, Guid Id, int? Version) : BatchOperation(Index);

    /// <summary>One transaction: all are validated before anything is written, and the first that fails rolls all back and is named.</summary>
    public async Task<BatchResult> BatchAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var operations = ParseBatch(body);
        var batch = await transactions.RunAsync(async work =>
        {
            var results = new List<BatchOperationResult>(operations.Count);
            foreach (var operation in operations)
            {
                var prefix = $"operations[{operation.Index}].";
                try
                {
                    results.Add(operation switch
                    {
                        CreateOperation create => Created(operation.Index,
                            await CreateAsync(work, user, create.Draft, prefix + "pattern.", cancellationToken)),
                        UpdateOperation update => Updated(operation.Index,
                            await UpdateAsync(work, user, update.Id, update.Changes,
                                new VersionPrecondition(null, update.Version), prefix + "changes.", cancellationToken)),
                        DeleteOperation delete => await DeletedAsync(delete),
                        _ => throw new InvalidOperationException("Unknown batch operation."),
                    });
                }
                catch (EmotyException failure)
                {
                    throw new EmotyException(failure.Code, $"operations[{operation.Index}] failed, so no operation was applied: {failure.Detail ?? failure.Code.Title}", failure.Errors)
                    {
                        Current = failure.Current,
                        OperationIndex = operation.Index,
                    };
                }
            }

            return new BatchResult(results);

            async Task<BatchOperationResult> DeletedAsync(DeleteOperation delete)
            {
                await DeleteAsync(work, user, delete.Id, new VersionPrecondition(null, delete.Version), cancellationToken);
                return new BatchOperationResult(delete.Index, delete.Id, null, "deleted");
            }
        }, cancellationToken);

        // Creates too: a cached miss of a new id must not outlive the create.
        await cache.InvalidateAsync(batch.Results.Select(r => r.Id));
        return batch;
    }

    private static BatchOperationResult Created(int index, PatternResource p) => new(index, p.Id, p.Version, "created");

    private static BatchOperationResult Updated(int index, PatternResource p) => new(index, p.Id, p.Version, "updated");

    private static readonly BatchValidator BatchRules = new();

    private static List<BatchOperation> ParseBatch(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", "must be a JSON object with an operations array");
        }

        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, RequestJsonContext.Default.BatchRequest, "", "must be a JSON object", errors);
        if (request is not null)
        {
            BatchRules.Check(request, "", errors);
        }

        if (request?.Operations.Value is not { Count: >= 1 and <= MaxBatchOperations } items)
        {
            errors.ThrowIfAny("The batch is not valid.");
            return [];
        }

        var operations = new List<BatchOperation>(items.Count);
        foreach (var (item, index) in items.Select((item, index) => (item.Value, index)))
        {
            var at = $"operations[{index}].";
            var operation = BatchValidator.Allowed(item?.Op.Value) is null ? null : item!.Op.Value switch
            {
                "create" when item.Pattern.IsSet =>
                    PatternInput.ReadCreate(PatternInput.Body(item.Pattern, at + "pattern.", errors), at + "pattern.", errors) is { } draft
                        ? new CreateOperation(index, draft) : null,
                "update" when item.Changes.IsSet =>
                    PatternInput.ReadChanges(PatternInput.Body(item.Changes, at + "changes.", errors), at + "changes.", allowVersion: false, errors) is { } changes
                        ? new UpdateOperation(index, Id(item), Version(item), changes) : null,
                "delete" => new DeleteOperation(index, Id(item), Version(item)),
                _ => (BatchOperation?)null,
            };
            if (operation is not null)
            {
                operations.Add(operation);
            }
        }

        if (errors.Any)
        {
            // The lowest operation with a problem is the one named, as the operations are applied in order.
            var first = errors.ToDictionary().Keys.Select(OperationOf).Where(i => i is not null).Min();
            throw new EmotyException(ProblemCode.ValidationFailed,
                first is null ? "The batch is not valid; nothing was written." : $"operations[{first}] is not valid; nothing was written.", errors.ToDictionary())
            {
                OperationIndex = first,
            };
        }

        return operations;

        static Guid Id(BatchOperationRequest item) => Guid.TryParse(item.Id.Value, out var id) ? id : default;

        static int? Version(BatchOperationRequest item) => item.Version.IsSet ? item.Version.Value : null;
    }

    private static int? OperationOf(string path) =>
        path.StartsWith("operations[", StringComparison.Ordinal)
        && int.TryParse(path.AsSpan(11, path.IndexOf(']', StringComparison.Ordinal) - 11), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index : null;
}
