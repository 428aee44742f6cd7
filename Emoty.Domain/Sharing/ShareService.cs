using System.Security.Cryptography;
using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Analytics;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Sharing;

/// <summary>Only the owner grants admin or changes an admin's share; anyone may give up their own share.</summary>
public sealed class ShareService(Transactions transactions, ShareStore store, PatternService patterns, ViewRecorder views, CursorSigner cursors, TimeProvider time)
{
    private const string What = "pattern";
    private static readonly PageQuery SharedWithMePage = new("limit", "cursor", DefaultLimit: 20, MaxLimit: 100, KeyIsTime: true);

    public async Task<Share> ShareAsync(Caller caller, Guid patternId, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var (target, permission, expiresAt) = ShareInput.ParseShare(body, time.GetUtcNow());
        var share = await transactions.RunAsync(async work =>
        {
            var (pattern, mine) = await LockPatternAsync(work, patternId, user, Permission.Admin, cancellationToken);
            if (target == pattern.UserId)
            {
                throw Invalid("user_id", "is the owner, who has every permission already");
            }

            if (!AccessPolicy.CanGrant(mine, permission))
            {
                throw new EmotyException(ProblemCode.Forbidden, "Only the owner may grant admin.");
            }

            var existing = await store.FindAsync(work, patternId, target, cancellationToken);
            if (existing is { Permission: "admin", IsExpired: false } && mine != Permission.Owner)
            {
                throw new EmotyException(ProblemCode.Forbidden, "Only the owner may change an admin's share.");
            }

            if (!await store.UserExistsAsync(work, target, cancellationToken))
            {
                throw new EmotyException(ProblemCode.NotFound, "No user has that id.");
            }

            return await store.UpsertAsync(work, patternId, target, permission.ToApi(), expiresAt, user, cancellationToken);
        }, cancellationToken);

        // Who may read the pattern is part of its cache entry.
        await patterns.ForgetCachedAsync([patternId]);
        return share;
    }

    public async Task<ShareList> ListAsync(Caller caller, Guid patternId, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        await transactions.RunAsync(work => LockPatternAsync(work, patternId, user, Permission.Admin, cancellationToken, forUpdate: false), cancellationToken);
        return new ShareList(await store.ListAsync(patternId, cancellationToken));
    }

    public async Task RevokeAsync(Caller caller, Guid patternId, Guid target, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        await transactions.RunAsync(async work =>
        {
            // Giving up one's own share needs no more than being able to see the pattern.
            var needed = target == user ? Permission.View : Permission.Admin;
            var (pattern, mine) = await LockPatternAsync(work, patternId, user, needed, cancellationToken);
            if (target == pattern.UserId)
            {
                throw new EmotyException(ProblemCode.Forbidden, "The owner's access cannot be revoked.");
            }

            var existing = await store.FindAsync(work, patternId, target, cancellationToken)
                ?? throw new EmotyException(ProblemCode.NotFound, "That user has no share of this pattern.");
            if (existing.Permission == "admin" && target != user && mine != Permission.Owner)
            {
                throw new EmotyException(ProblemCode.Forbidden, "Only the owner may revoke an admin's share.");
            }

            await store.DeleteAsync(work, patternId, target, cancellationToken);
            return true;
        }, cancellationToken);
        await patterns.ForgetCachedAsync([patternId]);
    }

    /// <summary>The code is unguessable: 128 random bits.</summary>
    public Task<ShareLink> CreateLinkAsync(Caller caller, Guid patternId, JsonElement? body, string baseUrl, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var expiresAt = ShareInput.ParseLink(body, time.GetUtcNow());
        return transactions.RunAsync(async work =>
        {
            await LockPatternAsync(work, patternId, user, Permission.Admin, cancellationToken);
            var code = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            var link = await store.InsertLinkAsync(work, code, patternId, user, expiresAt, cancellationToken);
            return ToLink(link, baseUrl);
        }, cancellationToken);
    }

    public async Task<ShareLinkList> ListLinksAsync(Caller caller, Guid patternId, string baseUrl, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        await transactions.RunAsync(work => LockPatternAsync(work, patternId, user, Permission.Admin, cancellationToken, forUpdate: false), cancellationToken);
        return new ShareLinkList((await store.ListLinksAsync(patternId, cancellationToken)).Select(l => ToLink(l, baseUrl)).ToArray());
    }

    public Task RevokeLinkAsync(Caller caller, Guid patternId, string code, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        return transactions.RunAsync(async work =>
        {
            await LockPatternAsync(work, patternId, user, Permission.Admin, cancellationToken);
            return await store.RevokeLinkAsync(work, patternId, code, cancellationToken)
                ? true
                : throw new EmotyException(ProblemCode.NotFound, "No live link of this pattern has that code.");
        }, cancellationToken);
    }

    public async Task<PatternResource> ReadLinkAsync(Caller caller, string code, CancellationToken cancellationToken)
    {
        var pattern = code.Length is >= 16 and <= 64 ? await store.FindByLinkAsync(code, caller.UserId, cancellationToken) : null;
        if (pattern is null)
        {
            throw new EmotyException(ProblemCode.NotFound, "This link does not exist, has expired or was revoked.");
        }

        views.Record(pattern.Id, caller);
        var permission = PatternService.Resolve(pattern, caller.UserId);
        return pattern with { Permission = (permission > Permission.View ? permission : Permission.View).ToApi() };
    }

    public async Task<SearchPage> SharedWithMeAsync(Caller caller, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var (limit, cursor) = SharedWithMePage.Parse(parameters, cursors);
        var rows = await store.SharedWithAsync(user, limit, cursor is { } c ? new DateTime(c.Key, DateTimeKind.Utc) : null, cursor?.Id ?? Guid.Empty, cancellationToken);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new PageCursor(rows[^1].SharedAt.Ticks, rows[^1].Pattern.Id).Encode(cursors);
        }

        return new SearchPage(rows.Select(r => PatternService.WithPermission(r.Pattern, user)).ToArray(), next);
    }

    public Task<CleanupResult> DeleteExpiredAsync(CancellationToken cancellationToken) => store.DeleteExpiredAsync(cancellationToken);

    // ---- helpers

    private static ShareLink ToLink((string Code, Guid PatternId, DateTime? ExpiresAt, DateTime CreatedAt) link, string baseUrl) =>
        new(link.Code, link.PatternId, $"{baseUrl.TrimEnd('/')}/api/shared/{link.Code}", link.ExpiresAt, link.CreatedAt);


    private async Task<(PatternResource Pattern, Permission Mine)> LockPatternAsync(
        UnitOfWork work, Guid patternId, Guid user, Permission needed, CancellationToken cancellationToken, bool forUpdate = true)
    {
        var pattern = await patterns.LockAsync(work, user, patternId, needed, cancellationToken, forUpdate);
        return (pattern, PatternService.Resolve(pattern, user));
    }

    private static EmotyException Invalid(string path, string message) =>
        new(ProblemCode.ValidationFailed, $"{path} {message}.", new Dictionary<string, string[]> { [path] = [message] });
}
