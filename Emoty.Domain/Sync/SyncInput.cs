using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emoty.Domain.Errors;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Sync;

public enum SyncOperationType
{
    Create,
    Update,
    Delete,
}

public sealed record SyncOperation
{
    public required int Index { get; init; }
    public required Guid OpId { get; init; }
    public required SyncOperationType Type { get; init; }

    /// <summary>Later operations may name it as their <see cref="Target"/>.</summary>
    public string? TempId { get; init; }

    /// <summary>A pattern id or a temp_id as the client wrote it, resolved only when applied.</summary>
    public string? Target { get; init; }

    /// <summary>Null means "whatever is current".</summary>
    public int? BaseVersion { get; init; }

    public required DateTimeOffset ClientModifiedAt { get; init; }
    public PatternDraft? Pattern { get; init; }
    public PatternChanges? Changes { get; init; }

    public string TypeName => Type.ToString().ToLowerInvariant();
}

/// <summary><see cref="OperationsJson"/> is stored and parsed again when the batch is processed.</summary>
public sealed record SyncBatchRequest(string ClientId, Guid BatchId, IReadOnlyList<SyncOperation> Operations, string OperationsJson);

/// <summary>Patterns and changes are validated by <see cref="PatternInput"/>, exactly as POST and PUT /api/patterns do.</summary>
public static partial class SyncInput
{
    public const int MaxOperations = 1000;
    public const int MaxClientIdLength = 128;
    public const int MaxTempIdLength = 64;
    public const int DefaultChangesLimit = 100;
    public const int MaxChangesLimit = 500;

    private const string BatchDetail = "The sync batch is not valid; nothing was stored.";

    private static readonly SyncRequestValidator BatchRules = new();
    private static readonly SyncOperationValidator OperationRules = new();

    public static SyncBatchRequest ParseBatch(JsonElement body)
    {
        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, RequestJsonContext.Default.SyncRequest, "", "must be a JSON object with client_id, batch_id and operations", errors);
        if (request is not null)
        {
            BatchRules.Check(request, "", errors);
        }

        var operations = request?.Operations.Value is { } list && CountError(list.Count) is null ? ReadOperations(list, errors) : [];
        errors.ThrowIfAny(BatchDetail);
        // The operations are stored as the client sent them and read again, by the same rules, when the batch is processed.
        return new SyncBatchRequest(request!.ClientId.Value!, Guid.ParseExact(request.BatchId.Value!, "D"), operations, body.GetProperty("operations").GetRawText());
    }

    /// <summary>Read by the rules they were accepted by; validation_failed when they no longer satisfy them.</summary>
    public static IReadOnlyList<SyncOperation> ParseStored(string operationsJson)
    {
        ArgumentNullException.ThrowIfNull(operationsJson);
        var list = JsonSerializer.Deserialize(operationsJson, RequestJsonContext.Default.ListFieldSyncOperationRequest)
            ?? throw new EmotyException(ProblemCode.ValidationFailed, "The stored operations are not valid.");
        var errors = new ValidationErrors();
        if (CountError(list.Count) is { } countError)
        {
            errors.Add("operations", countError);
        }

        var operations = errors.Any ? [] : ReadOperations(list, errors);
        errors.ThrowIfAny("The stored operations are not valid.");
        return operations;
    }

    public static (SyncCursor Since, int Limit) ParseChangesQuery(IEnumerable<KeyValuePair<string, string?>> parameters, Paging.CursorSigner cursors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new ValidationErrors();
        var since = SyncCursor.Start;
        var limit = DefaultChangesLimit;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (!seen.Add(name))
            {
                errors.Add(name, "appears more than once");
            }
            else if (name == "since")
            {
                if (!SyncCursor.TryDecode(value, cursors, out since))
                {
                    errors.Add(name, "is not a cursor of this feed (use next_cursor as it was returned)");
                }
            }
            else if (name == "limit")
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxChangesLimit)
                {
                    errors.Add(name, $"must be an integer from 1 to {MaxChangesLimit}");
                }
            }
            else
            {
                errors.Add(name, "is not a parameter of this route");
            }
        }

        errors.ThrowIfAny("The query parameters are not valid.");
        return (since, limit);
    }

    internal static string? CountError(int count) =>
        count is < 1 or > MaxOperations ? $"must hold 1 to {MaxOperations} operations (it holds {count})" : null;

    internal static SyncOperationType? TypeOf(string? name) => name switch
    {
        "create" => SyncOperationType.Create,
        "update" => SyncOperationType.Update,
        "delete" => SyncOperationType.Delete,
        _ => null,
    };

    // RFC 3339: the offset is mandatory, so that every client's clock is read the same way.
    internal static DateTimeOffset? Timestamp(string text) =>
        Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static List<SyncOperation> ReadOperations(List<Field<SyncOperationRequest>> list, ValidationErrors errors)
    {
        var operations = new List<SyncOperation>(list.Count);
        for (var index = 0; index < list.Count; index++)
        {
            if (ReadOperation(list[index], index, errors) is { } operation)
            {
                operations.Add(operation);
            }
        }

        CheckAcrossOperations(operations, errors);
        return operations;
    }

    private static SyncOperation? ReadOperation(Field<SyncOperationRequest> item, int index, ValidationErrors errors)
    {
        var at = $"operations[{index}].";
        var before = errors.Reported;
        OperationRules.Check(item, at, errors);
        if (item.Value is not { } operation || TypeOf(operation.Type.Value) is not { } type)
        {
            return null;
        }

        var pattern = type == SyncOperationType.Create && operation.Pattern.IsSet
            ? PatternInput.ReadCreate(PatternInput.Body(operation.Pattern, at + "pattern.", errors), at + "pattern.", errors)
            : null;
        var changes = type == SyncOperationType.Update && operation.Changes.IsSet
            ? PatternInput.ReadChanges(PatternInput.Body(operation.Changes, at + "changes.", errors), at + "changes.", allowVersion: false, errors)
            : null;
        if (errors.Reported > before)
        {
            return null;
        }

        return new SyncOperation
        {
            Index = index,
            OpId = Guid.ParseExact(operation.OpId.Value!, "D"),
            Type = type,
            TempId = type == SyncOperationType.Create ? operation.TempId.Value : null,
            Target = type == SyncOperationType.Create ? null : operation.Id.Value,
            BaseVersion = type == SyncOperationType.Create || !operation.BaseVersion.IsSet ? null : operation.BaseVersion.Value,
            ClientModifiedAt = Timestamp(operation.ClientModifiedAt.Value!)!.Value,
            Pattern = pattern,
            Changes = changes,
        };
    }

    /// <summary>An operation cannot name a temp_id that only a later one creates: it would always miss.</summary>
    private static void CheckAcrossOperations(List<SyncOperation> operations, ValidationErrors errors)
    {
        var opIds = new Dictionary<Guid, int>();
        var created = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (!opIds.TryAdd(operation.OpId, operation.Index))
            {
                errors.Add($"operations[{operation.Index}].op_id", $"repeats the op_id of operations[{opIds[operation.OpId]}]");
            }

            if (operation.TempId is { } tempId && !created.TryAdd(tempId, operation.Index))
            {
                errors.Add($"operations[{operation.Index}].temp_id", $"is already created by operations[{created[tempId]}]");
            }
        }

        foreach (var operation in operations)
        {
            if (operation.Target is { } target && created.TryGetValue(target, out var creator) && creator > operation.Index)
            {
                errors.Add($"operations[{operation.Index}].id", $"names a temp_id that operations[{creator}] creates later");
            }
        }
    }

    /// <summary>Counted in code points, as the database's CHECKs count them; no control characters (jsonb cannot store NUL).</summary>
    internal static string? TextError(string value, int max)
    {
        var count = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune == Rune.ReplacementChar)
            {
                return "not valid";
            }

            count++;
        }

        return count >= 1 && count <= max ? null : "wrong length";
    }

    // Date, 'T', time with an optional fraction (.NET keeps 7 digits) and a mandatory offset.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
