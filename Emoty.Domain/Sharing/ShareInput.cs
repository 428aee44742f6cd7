using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Errors;
using Emoty.Domain.Json;
using Emoty.Domain.Patterns;
using FluentValidation;

namespace Emoty.Domain.Sharing;

public sealed record ShareRequest : RequestBody
{
    public Field<string> UserId { get; init; }
    public Field<string> Permission { get; init; }
    public Field<string> ExpiresAt { get; init; }
}

public sealed record ShareLinkRequest : RequestBody
{
    public Field<string> ExpiresAt { get; init; }
}

internal static class ShareInput
{
    private static readonly ShareValidator Share = new();
    private static readonly ShareLinkValidator Link = new();

    public static (Guid User, Permission Permission, DateTime? ExpiresAt) ParseShare(JsonElement body, DateTimeOffset now)
    {
        var request = Read(body, RequestJsonContext.Default.ShareRequest, Share, now, "The share is not valid.");
        PermissionNames.TryParseShare(request.Permission.Value, out var permission);
        return (Guid.Parse(request.UserId.Value!), permission, ExpiresAt(request.ExpiresAt));
    }

    public static DateTime? ParseLink(JsonElement? body, DateTimeOffset now) =>
        body is { } json ? ExpiresAt(Read(json, RequestJsonContext.Default.ShareLinkRequest, Link, now, "The link is not valid.").ExpiresAt) : null;

    private static T Read<T>(JsonElement body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, RequestValidator<T> validator, DateTimeOffset now, string detail)
        where T : RequestBody
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new EmotyException(ProblemCode.ValidationFailed, $"{PatternInput.RootPath} must be a JSON object.",
                new Dictionary<string, string[]> { [PatternInput.RootPath] = ["must be a JSON object"] });
        }

        var errors = new ValidationErrors();
        var request = RequestJson.Read(body, type, "", "must be a JSON object", errors);
        if (request is not null)
        {
            validator.Check(request, "", errors, now);
        }

        errors.ThrowIfAny(detail);
        return request!;
    }

    private static DateTime? ExpiresAt(Field<string> value) => value.Value is { } text ? Timestamp(text)!.Value.UtcDateTime : null;

    internal static DateTimeOffset? Timestamp(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasOffset(text) ? at : null;

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    /// <summary>Null means never.</summary>
    internal static void CheckExpiry<T>(Field<string> value, ValidationContext<T> context) =>
        context.Fail(value.IsWrongType || (value.Value is { } text && Timestamp(text) is null)
            ? "must be an ISO-8601 timestamp with an offset, e.g. 2026-12-31T23:59:59Z"
            : value.Value is { } future && Timestamp(future) <= context.Now() ? "must lie in the future"
            : null);
}

internal sealed class ShareValidator : RequestValidator<ShareRequest>
{
    public ShareValidator()
    {
        RuleFor(x => x.UserId).Custom((id, context) =>
            context.Fail(!id.IsSet ? "is required" : id.Value is { } text && Guid.TryParse(text, out _) ? null : "must be a user id (UUID)"));
        RuleFor(x => x.Permission).Custom((permission, context) =>
            context.Fail(!permission.IsSet ? "is required"
                : PermissionNames.TryParseShare(permission.Value, out _) ? null : "must be one of view, edit, admin"));
        RuleFor(x => x.ExpiresAt).Custom(ShareInput.CheckExpiry);
        RuleFor(x => x).Custom(Unknown<ShareRequest>(_ => "is not a known field"));
    }
}

internal sealed class ShareLinkValidator : RequestValidator<ShareLinkRequest>
{
    public ShareLinkValidator()
    {
        RuleFor(x => x.ExpiresAt).Custom(ShareInput.CheckExpiry);
        RuleFor(x => x).Custom(Unknown<ShareLinkRequest>(_ => "is not a known field"));
    }
}
