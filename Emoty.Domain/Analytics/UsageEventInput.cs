using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;

namespace Emoty.Domain.Analytics;

/// <summary>Validation of POST /api/events: every problem of the body in one 400, at its JSON path.</summary>
public static class UsageEventInput
{
    public const int MaxEvents = 500;

    /// <summary>Offline clients send late; older than this, an event no longer fits the 30-day figures.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static UsageEvent[] Parse(JsonElement body, Caller caller, DateTime now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(new() { ["$"] = ["must be a JSON object with an events array"] });
        }

        foreach (var property in body.EnumerateObject().Where(p => p.Name != "events"))
        {
            errors[property.Name] = ["is not a known field"];
        }

        if (!body.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors["events"] = ["is required and must be an array"];
            throw Invalid(errors);
        }

        var count = list.GetArrayLength();
        if (count is 0 or > MaxEvents)
        {
            errors["events"] = [$"must hold 1 to {MaxEvents} events"];
            throw Invalid(errors);
        }

        var events = new UsageEvent[count];
        var sender = (caller.UserId, caller.Viewer);
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"events[{index}]";
            events[index++] = ParseOne(item, path, sender, now, errors)!;
        }

        var duplicated = events.Where(e => e is not null).GroupBy(e => e.EventId).FirstOrDefault(g => g.Count() > 1);
        if (duplicated is not null)
        {
            errors["events"] = [$"event_id {duplicated.Key} appears more than once"];
        }

        return errors.Count > 0 ? throw Invalid(errors) : events;
    }

    private static UsageEvent? ParseOne(JsonElement item, string path, (Guid? UserId, string Viewer) sender, DateTime now, Dictionary<string, string[]> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors[path] = ["must be an object"];
            return null;
        }

        Guid? pattern = null;
        Guid? eventId = null;
        string? type = null;
        var occurredAt = now;
        foreach (var field in item.EnumerateObject())
        {
            var at = $"{path}.{field.Name}";
            switch (field.Name)
            {
                case "pattern_id" when field.Value.ValueKind == JsonValueKind.String && Guid.TryParse(field.Value.GetString(), out var id):
                    pattern = id;
                    break;
                case "pattern_id":
                    errors[at] = ["must be a pattern id (uuid)"];
                    break;
                case "event_id" when field.Value.ValueKind == JsonValueKind.String && Guid.TryParse(field.Value.GetString(), out var given):
                    eventId = given;
                    break;
                case "event_id":
                    errors[at] = ["must be a uuid (it makes a retried post count once)"];
                    break;
                case "type" when field.Value.ValueKind == JsonValueKind.String && UsageEventTypes.All.Contains(field.Value.GetString()!):
                    type = field.Value.GetString();
                    break;
                case "type":
                    errors[at] = ["must be one of view, like, share, copy, download, edit"];
                    break;
                case "occurred_at" when field.Value.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParse(field.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when):
                    // A client clock a little ahead is the client's clock, not the future: such events happened now.
                    occurredAt = when.UtcDateTime > now ? now : when.UtcDateTime;
                    if (when.UtcDateTime > now + MaxClockSkew || occurredAt < now - MaxAge)
                    {
                        errors[at] = ["must lie within the last 30 days and not in the future"];
                    }

                    break;
                case "occurred_at":
                    errors[at] = ["must be an ISO 8601 timestamp"];
                    break;
                default:
                    errors[at] = ["is not a known field"];
                    break;
            }
        }

        if (pattern is null && !errors.ContainsKey($"{path}.pattern_id"))
        {
            errors[$"{path}.pattern_id"] = ["is required"];
        }

        if (type is null && !errors.ContainsKey($"{path}.type"))
        {
            errors[$"{path}.type"] = ["is required"];
        }

        return pattern is { } p && type is not null
            ? new UsageEvent(eventId ?? Guid.CreateVersion7(), p, sender.UserId, sender.Viewer, type, occurredAt, Authorized: false)
            : null;
    }

    private static EmotyException Invalid(Dictionary<string, string[]> errors) =>
        new(ProblemCode.ValidationFailed, "The events are not valid.", errors);
}
