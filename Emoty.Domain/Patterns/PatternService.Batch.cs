using System.Text.Json;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Persistence;

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

    /// <summary>
    /// Up to 500 creates, updates and deletes in ONE transaction: every operation is validated before
    /// anything is written, and the first one that fails rolls all of them back and is named in the problem.
    /// </summary>
    public async Task<BatchResult> BatchAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var operations = ParseBatch(body);
        var batch = await store.Database.InTransactionAsync(async (connection, transaction) =>
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
                            await CreateAsync(connection, transaction, user, create.Draft, prefix + "pattern.", cancellationToken)),
                        UpdateOperation update => Updated(operation.Index,
                            await UpdateAsync(connection, transaction, user, update.Id, update.Changes,
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
                await DeleteAsync(connection, transaction, user, delete.Id, new VersionPrecondition(null, delete.Version), cancellationToken);
                return new BatchOperationResult(delete.Index, delete.Id, null, "deleted");
            }
        }, cancellationToken);

        // Creates too: a cached miss of a new id must not outlive the create.
        await cache.InvalidateAsync(batch.Results.Select(r => r.Id));
        return batch;
    }

    private static BatchOperationResult Created(int index, PatternResource p) => new(index, p.Id, p.Version, "created");

    private static BatchOperationResult Updated(int index, PatternResource p) => new(index, p.Id, p.Version, "updated");

    private static List<BatchOperation> ParseBatch(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", "must be a JSON object with an operations array");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Name != "operations")
            {
                errors[property.Name] = ["is not a known field"];
            }
        }

        if (!body.TryGetProperty("operations", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors["operations"] = ["is required and must be an array"];
            throw new EmotyException(ProblemCode.ValidationFailed, "The batch is not valid.", errors);
        }

        var count = list.GetArrayLength();
        if (count is < 1 or > MaxBatchOperations)
        {
            errors["operations"] = [$"must hold 1 to {MaxBatchOperations} operations (it holds {count})"];
        }

        var operations = new List<BatchOperation>(Math.Min(count, MaxBatchOperations));
        var index = 0;
        foreach (var item in list.EnumerateArray().Take(MaxBatchOperations))
        {
            try
            {
                if (ParseOperation(item, index, errors) is { } operation)
                {
                    operations.Add(operation);
                }
            }
            catch (EmotyException invalid) when (invalid.Errors is not null)
            {
                foreach (var (path, messages) in invalid.Errors)
                {
                    errors[path] = messages;
                }
            }

            index++;
        }

        if (errors.Count > 0)
        {
            var first = errors.Keys.FirstOrDefault(k => k.StartsWith("operations[", StringComparison.Ordinal));
            throw new EmotyException(ProblemCode.ValidationFailed,
                first is null ? "The batch is not valid; nothing was written." : $"{first} is not valid; nothing was written.", errors)
            {
                OperationIndex = first is null ? null : int.Parse(first.AsSpan(11, first.IndexOf(']') - 11), System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        return operations;
    }

    private static BatchOperation? ParseOperation(JsonElement item, int index, Dictionary<string, string[]> errors)
    {
        var at = $"operations[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors[at] = ["must be an object"];
            return null;
        }

        var op = item.TryGetProperty("op", out var opElement) && opElement.ValueKind == JsonValueKind.String ? opElement.GetString() : null;
        string[] allowed = op switch
        {
            "create" => ["op", "pattern"],
            "update" => ["op", "id", "version", "changes"],
            "delete" => ["op", "id", "version"],
            _ => ["op"],
        };
        if (op is not ("create" or "update" or "delete"))
        {
            errors[at + ".op"] = ["must be one of create, update, delete"];
            return null;
        }

        var valid = true;
        foreach (var property in item.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                errors[$"{at}.{property.Name}"] = ["is not a known field for this operation"];
                valid = false;
            }
        }

        if (op == "create")
        {
            if (!item.TryGetProperty("pattern", out var pattern))
            {
                errors[at + ".pattern"] = ["is required"];
                return null;
            }

            var draft = PatternInput.ParseCreate(pattern, at + ".pattern.");
            return valid ? new CreateOperation(index, draft) : null;
        }

        Guid id = default;
        if (!item.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || !Guid.TryParse(idElement.GetString(), out id))
        {
            errors[at + ".id"] = ["is required and must be a UUID"];
            valid = false;
        }

        int? version = null;
        if (item.TryGetProperty("version", out var versionElement))
        {
            if (versionElement.ValueKind == JsonValueKind.Number && versionElement.TryGetInt32(out var v) && v >= 1)
            {
                version = v;
            }
            else
            {
                errors[at + ".version"] = ["must be an integer of at least 1"];
                valid = false;
            }
        }

        if (op == "delete")
        {
            return valid ? new DeleteOperation(index, id, version) : null;
        }

        if (!item.TryGetProperty("changes", out var changesElement))
        {
            errors[at + ".changes"] = ["is required"];
            return null;
        }

        var changes = PatternInput.ParseChanges(changesElement, at + ".changes.", allowVersion: false);
        return valid ? new UpdateOperation(index, id, version, changes) : null;
    }
}
