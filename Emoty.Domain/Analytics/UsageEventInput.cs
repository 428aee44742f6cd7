using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Identity;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;
using FluentValidation;

namespace Emoty.Domain.Analytics;

public sealed record UsageEventsRequest : RequestBody
{
    public Field<List<Field<UsageEventItem>>> Events { get; init; }
}

public sealed record UsageEventItem : RequestBody
{
    public Field<string> PatternId { get; init; }
    public Field<string> EventId { get; init; }
    public Field<string> Type { get; init; }
    public Field<string> OccurredAt { get; init; }
}

public static class UsageEventInput
{
    public const int MaxEvents = 500;

    /// <summary>Offline clients send late; older than this, an event no longer fits the 30-day figures.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly UsageEventsValidator Validator = new();

    public static UsageEvent[] Parse(JsonElement body, Caller caller, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, RequestJsonContext.Default.UsageEventsRequest, "", "must be a JSON object with an events array", errors);
        if (request is not null)
        {
            Validator.Check(request, "", errors, new DateTimeOffset(now, TimeSpan.Zero));
        }

        errors.ThrowIfAny("The events are not valid.");
        return [.. request!.Events.Value!.Select(item => ToEvent(item.Value!, caller, now))];
    }

    private static UsageEvent ToEvent(UsageEventItem item, Caller caller, DateTime now)
    {
        var occurredAt = item.OccurredAt.Value is { } text ? UsageEventsValidator.Timestamp(text)!.Value.UtcDateTime : now;
        // A client clock a little ahead is the client's clock, not the future: such events happened now.
        return new UsageEvent(item.EventId.Value is { } id ? Guid.Parse(id) : Guid.CreateVersion7(), Guid.Parse(item.PatternId.Value!),
            caller.UserId, caller.Viewer, item.Type.Value!, occurredAt > now ? now : occurredAt, Authorized: false);
    }
}

internal sealed class UsageEventsValidator : RequestValidator<UsageEventsRequest>
{
    public UsageEventsValidator()
    {
        RuleFor(x => x).Custom(Unknown<UsageEventsRequest>(_ => "is not a known field"));
        RuleFor(x => x.Events).Custom((events, context) =>
        {
            if (events.Value is not { } list)
            {
                context.AddFailure("is required and must be an array");
            }
            else if (list.Count is 0 or > UsageEventInput.MaxEvents)
            {
                context.AddFailure($"must hold 1 to {UsageEventInput.MaxEvents} events");
            }
            else if (list.Where(e => e.Value?.EventId.Value is not null && Guid.TryParse(e.Value.EventId.Value, out _))
                         .GroupBy(e => Guid.Parse(e.Value!.EventId.Value!)).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                context.AddFailure($"event_id {repeated.Key} appears more than once");
            }
        });
        RuleForEach(x => x.Events.Value).SetValidator(new ItemValidator())
            .When(x => x.Events.Value is { Count: > 0 and <= UsageEventInput.MaxEvents });
    }

    internal static DateTimeOffset? Timestamp(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private sealed class ItemValidator : RequestValidator<Field<UsageEventItem>>
    {
        public ItemValidator()
        {
            RuleFor(x => x).Custom((item, context) =>
            {
                if (item.Value is null)
                {
                    context.AddFailure("must be an object");
                }
            });
            When(x => x.Value is not null, () =>
            {
                RuleFor(x => x.Value!.PatternId).Custom((id, context) =>
                    context.Fail(!id.IsSet ? "is required" : IsUuid(id) ? null : "must be a pattern id (uuid)"));
                RuleFor(x => x.Value!.EventId).Custom((id, context) =>
                    context.Fail(!id.IsSet || IsUuid(id) ? null : "must be a uuid (it makes a retried post count once)"));
                RuleFor(x => x.Value!.Type).Custom((type, context) =>
                    context.Fail(!type.IsSet ? "is required"
                        : type.Value is { } name && UsageEventTypes.All.Contains(name) ? null
                        : "must be one of view, like, share, copy, download, edit"));
                RuleFor(x => x.Value!.OccurredAt).Custom((text, context) =>
                {
                    var now = context.Now().UtcDateTime;
                    context.Fail(!text.IsSet ? null
                        : text.Value is not { } value || Timestamp(value) is not { } at ? "must be an ISO 8601 timestamp"
                        : at.UtcDateTime > now + UsageEventInput.MaxClockSkew || at.UtcDateTime < now - UsageEventInput.MaxAge
                            ? "must lie within the last 30 days and not in the future"
                            : null);
                });
                RuleFor(x => x.Value!).Custom(Unknown<UsageEventItem>(_ => "is not a known field"));
            });
        }

        private static bool IsUuid(Field<string> id) => id.Value is { } text && Guid.TryParse(text, out _);
    }
}
