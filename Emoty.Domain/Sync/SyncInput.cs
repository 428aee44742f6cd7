using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emoty.Domain.Errors;
using Emoty.Domain.Patterns;

namespace Emoty.Domain.Sync;

public enum SyncOperationType
{
    Create,
    Update,
    Delete,
}

/// <summary>One validated operation of an offline batch, in the order the client made it.</summary>
public sealed record SyncOperation
{
    public required int Index { get; init; }
    public required Guid OpId { get; init; }
    public required SyncOperationType Type { get; init; }

    /// <summary>Create: the client's name for the new pattern, which later operations may use as <see cref="Target"/>.</summary>
    public string? TempId { get; init; }

    /// <summary>Update and delete: a pattern id or a temp_id, as the client wrote it (resolved when applied).</summary>
    public string? Target { get; init; }

    /// <summary>The version the client's edit started from; absent means "whatever is current".</summary>
    public int? BaseVersion { get; init; }

    public required DateTimeOffset ClientModifiedAt { get; init; }
    public PatternDraft? Pattern { get; init; }
    public PatternChanges? Changes { get; init; }

    public string TypeName => Type.ToString().ToLowerInvariant();
}

/// <summary>POST /api/sync, validated; <see cref="OperationsJson"/> is what is stored and parsed again when the batch is processed.</summary>
public sealed record SyncBatchRequest(string ClientId, Guid BatchId, IReadOnlyList<SyncOperation> Operations, string OperationsJson);

/// <summary>
/// Strict reading of offline-sync input: the batch body (every problem reported at its JSON path, as
/// <c>operations[3].changes.name</c>) and the query of the changes feed. Patterns and changes are
/// validated by <see cref="PatternInput"/>, exactly as POST and PUT /api/patterns do.
/// </summary>
public static partial class SyncInput
{
    public const int MaxOperations = 1000;
    public const int MaxClientIdLength = 128;
    public const int MaxTempIdLength = 64;
    public const int DefaultChangesLimit = 100;
    public const int MaxChangesLimit = 500;

    private const string BatchDetail = "The sync batch is not valid; nothing was stored.";

    private static readonly HashSet<string> BatchFields = ["client_id", "batch_id", "operations"];
    private static readonly HashSet<string> CreateFields = ["op_id", "type", "client_modified_at", "temp_id", "pattern"];
    private static readonly HashSet<string> UpdateFields = ["op_id", "type", "client_modified_at", "id", "base_version", "changes"];
    private static readonly HashSet<string> DeleteFields = ["op_id", "type", "client_modified_at", "id", "base_version"];
    private static readonly HashSet<string> AnyOperationFields = [.. CreateFields, .. UpdateFields];

    public static SyncBatchRequest ParseBatch(JsonElement body)
    {
        var errors = new ValidationErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(PatternInput.RootPath, "must be a JSON object with client_id, batch_id and operations");
            errors.ThrowIfAny(BatchDetail);
        }

        var fields = ReadFields(body, PatternInput.RootPath, "", BatchFields, "is not a known field", errors);
        string? clientId = null;
        if (!fields.TryGetValue("client_id", out var clientElement))
        {
            errors.Add("client_id", "is required");
        }
        else if (TryReadText(clientElement, out var text) && TextError(text, MaxClientIdLength) is null)
        {
            clientId = text;
        }
        else
        {
            errors.Add("client_id", $"must be a string of 1 to {MaxClientIdLength} characters without control characters");
        }

        var batchId = ReadUuid(fields, "batch_id", "batch_id", errors);
        IReadOnlyList<SyncOperation> operations = [];
        var operationsJson = "";
        if (!fields.TryGetValue("operations", out var list))
        {
            errors.Add("operations", "is required");
        }
        else
        {
            operations = ParseOperations(list, errors);
            operationsJson = list.GetRawText();
        }

        errors.ThrowIfAny(BatchDetail);
        return new SyncBatchRequest(clientId!, batchId!.Value, operations, operationsJson);
    }

    /// <summary>The operations of a stored batch, read with the same rules they were accepted by.</summary>
    /// <exception cref="EmotyException">validation_failed when they no longer satisfy them.</exception>
    public static IReadOnlyList<SyncOperation> ParseStored(string operationsJson)
    {
        ArgumentNullException.ThrowIfNull(operationsJson);
        using var document = JsonDocument.Parse(operationsJson);
        var errors = new ValidationErrors();
        var operations = ParseOperations(document.RootElement, errors);
        errors.ThrowIfAny("The stored operations are not valid.");
        return operations;
    }

    /// <summary>GET /api/sync/changes: <c>since</c> (a cursor from <c>next_cursor</c>) and <c>limit</c> (1–500, default 100), nothing else.</summary>
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

    private static List<SyncOperation> ParseOperations(JsonElement list, ValidationErrors errors)
    {
        var operations = new List<SyncOperation>();
        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add("operations", "must be an array");
            return operations;
        }

        var count = list.GetArrayLength();
        if (count is < 1 or > MaxOperations)
        {
            errors.Add("operations", $"must hold 1 to {MaxOperations} operations (it holds {count})");
            return operations;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (ParseOperation(item, index++, errors) is { } operation)
            {
                operations.Add(operation);
            }
        }

        CheckAcrossOperations(operations, errors);
        return operations;
    }

    private static SyncOperation? ParseOperation(JsonElement item, int index, ValidationErrors errors)
    {
        var at = $"operations[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object");
            return null;
        }

        var before = errors.Count;
        SyncOperationType? type = null;
        if (!item.TryGetProperty("type", out var typeElement))
        {
            errors.Add(at + ".type", "is required");
        }
        else if (TryReadText(typeElement, out var typeName) && typeName is "create" or "update" or "delete")
        {
            type = Enum.Parse<SyncOperationType>(typeName, ignoreCase: true);
        }
        else
        {
            errors.Add(at + ".type", "must be one of create, update, delete");
        }

        var (allowed, unknown) = type switch
        {
            SyncOperationType.Create => (CreateFields, "is not a field of a create operation"),
            SyncOperationType.Update => (UpdateFields, "is not a field of an update operation"),
            SyncOperationType.Delete => (DeleteFields, "is not a field of a delete operation"),
            _ => (AnyOperationFields, "is not a known field"),
        };
        var fields = ReadFields(item, at, at + ".", allowed, unknown, errors);
        var opId = ReadUuid(fields, "op_id", at + ".op_id", errors);
        var modifiedAt = ReadTimestamp(fields, at + ".client_modified_at", errors);
        var baseVersion = ReadBaseVersion(fields, at + ".base_version", errors);
        string? tempId = null;
        if (fields.TryGetValue("temp_id", out var tempElement))
        {
            tempId = TryReadText(tempElement, out var text) && TextError(text, MaxTempIdLength) is null ? text : null;
            if (tempId is null)
            {
                errors.Add(at + ".temp_id", $"must be a string of 1 to {MaxTempIdLength} characters without control characters");
            }
        }

        string? target = null;
        if (type is SyncOperationType.Update or SyncOperationType.Delete)
        {
            if (!fields.TryGetValue("id", out var idElement))
            {
                errors.Add(at + ".id", "is required");
            }
            else if (TryReadText(idElement, out var id) && (IsUuid(id) || TextError(id, MaxTempIdLength) is null))
            {
                target = id;
            }
            else
            {
                errors.Add(at + ".id", $"must be a pattern id (UUID) or a temp_id of 1 to {MaxTempIdLength} characters");
            }
        }

        var pattern = type == SyncOperationType.Create
            ? ReadBody(fields, "pattern", at, errors, (element, prefix) => PatternInput.ParseCreate(element, prefix))
            : null;
        var changes = type == SyncOperationType.Update
            ? ReadBody(fields, "changes", at, errors, (element, prefix) => PatternInput.ParseChanges(element, prefix, allowVersion: false))
            : null;

        if (errors.Count > before || type is not { } known || opId is not { } op || modifiedAt is not { } modified)
        {
            return null;
        }

        return new SyncOperation
        {
            Index = index,
            OpId = op,
            Type = known,
            TempId = tempId,
            Target = target,
            BaseVersion = baseVersion,
            ClientModifiedAt = modified,
            Pattern = pattern,
            Changes = changes,
        };
    }

    /// <summary>
    /// Rules between operations: op_ids are unique in a batch, a temp_id is created once, and an
    /// operation cannot name a temp_id that only a later operation creates (it would always miss).
    /// </summary>
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

    /// <summary>The members of an object by name, reporting names that are unknown, repeated or not valid text.</summary>
    private static Dictionary<string, JsonElement> ReadFields(
        JsonElement value, string path, string prefix, HashSet<string> allowed, string unknownMessage, ValidationErrors errors)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                errors.Add(path, "has a field name that is not valid text");
                continue;
            }

            if (!allowed.Contains(name))
            {
                errors.Add(prefix + name, unknownMessage);
            }
            else if (!fields.TryAdd(name, property.Value))
            {
                errors.Add(prefix + name, "appears more than once");
            }
        }

        return fields;
    }

    private static T? ReadBody<T>(Dictionary<string, JsonElement> fields, string name, string at, ValidationErrors errors, Func<JsonElement, string, T> parse)
        where T : class
    {
        if (!fields.TryGetValue(name, out var element))
        {
            errors.Add($"{at}.{name}", "is required");
            return null;
        }

        try
        {
            return parse(element, $"{at}.{name}.");
        }
        catch (EmotyException invalid) when (invalid.Errors is not null)
        {
            foreach (var (path, messages) in invalid.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(path, message);
                }
            }

            return null;
        }
    }

    private static Guid? ReadUuid(Dictionary<string, JsonElement> fields, string name, string path, ValidationErrors errors)
    {
        if (!fields.TryGetValue(name, out var element))
        {
            errors.Add(path, "is required");
            return null;
        }

        if (TryReadText(element, out var text) && Guid.TryParseExact(text, "D", out var id))
        {
            return id;
        }

        errors.Add(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
        return null;
    }

    private static DateTimeOffset? ReadTimestamp(Dictionary<string, JsonElement> fields, string path, ValidationErrors errors)
    {
        if (!fields.TryGetValue("client_modified_at", out var element))
        {
            errors.Add(path, "is required");
            return null;
        }

        if (TryReadText(element, out var text) && Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors.Add(path, "must be an ISO-8601 timestamp with an offset, like 2026-11-25T09:51:51.123Z");
        return null;
    }

    private static int? ReadBaseVersion(Dictionary<string, JsonElement> fields, string path, ValidationErrors errors)
    {
        if (!fields.TryGetValue("base_version", out var element))
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var version) && version >= 1)
        {
            return version;
        }

        errors.Add(path, "must be a positive integer");
        return null;
    }

    private static bool TryReadText(JsonElement value, out string text)
    {
        text = "";
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate: not text that PostgreSQL (or anyone) can store.
            return false;
        }
    }

    /// <summary>
    /// Identifiers are counted in code points, as the database's CHECKs count them, and may not
    /// hold control characters (NUL cannot be stored in jsonb at all).
    /// </summary>
    private static string? TextError(string value, int max)
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

    private static bool IsUuid(string text) => Guid.TryParseExact(text, "D", out _);

    // RFC 3339: date, 'T', time with an optional fraction (.NET keeps 7 digits) and a mandatory offset.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
