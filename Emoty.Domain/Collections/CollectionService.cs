using System.Globalization;
using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Collections;

/// <summary>Anyone may read a public collection, and sees only the patterns they may see in it; only the owner changes it.</summary>
public sealed class CollectionService(Transactions transactions, CollectionStore store, CursorSigner cursors, EmotySettings settings)
{
    private const string What = "collection";
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    private static readonly PageQuery PatternsPage = new("patterns_limit", "patterns_cursor", DefaultLimit, MaxLimit);

    public async Task<CollectionPage> ListAsync(Caller caller, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var query = ParseListQuery(parameters);
        if (!query.PublicOnly)
        {
            caller.RequireUserId();
        }

        var rows = await store.ListAsync(query, caller.UserId, cancellationToken);
        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new PageCursor(rows[^1].CreatedAt.Ticks, rows[^1].Id).Encode(cursors);
        }

        return new CollectionPage(rows.Select(c => WithPermission(c, caller.UserId)).ToArray(), next);
    }

    public async Task<CollectionDetail> GetAsync(Caller caller, Guid id, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var (limit, after) = PatternsPage.Parse(parameters, cursors);
        var collection = Visible(await store.FindAsync(id, caller.UserId, cancellationToken), caller.UserId);
        var patterns = await store.PatternsAsync(id, caller.UserId, limit, after, cancellationToken);
        string? next = null;
        if (patterns.Count > limit)
        {
            patterns.RemoveAt(patterns.Count - 1);
            next = new PageCursor(patterns[^1].Position ?? 0, patterns[^1].Id).Encode(cursors);
        }

        return new CollectionDetail(collection, patterns.Select(p => PatternService.WithPermission(p, caller.UserId)).ToArray(), next);
    }

    public Task<CollectionResource> CreateAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var owner = caller.RequireUserId();
        var input = CollectionInput.Parse(body, isCreate: true);
        return transactions.RunAsync(async work =>
        {
            if (input.ParentId.Or(null) is { } parent)
            {
                await store.LockTreeAsync(work, owner, cancellationToken);
                await CheckParentAsync(work, owner, parent, self: null, height: 1, cancellationToken);
            }

            return WithPermission(await store.InsertAsync(work, owner, input, cancellationToken), owner);
        }, cancellationToken);
    }

    public Task<CollectionResource> UpdateAsync(Caller caller, Guid id, JsonElement body, int? ifMatch, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var input = CollectionInput.Parse(body, isCreate: false);
        return transactions.RunAsync(async work =>
        {
            var moving = input.ParentId.IsSet;
            if (moving)
            {
                await store.LockTreeAsync(work, user, cancellationToken);
            }

            var current = await LockOwnedAsync(work, id, user, cancellationToken);
            new VersionPrecondition(ifMatch, input.Version).Check(current.Version, current, settings.RequireVersionOnWrite);
            if (moving && input.ParentId.Value is { } parent && parent != current.ParentId)
            {
                var height = await store.HeightAsync(work, id, cancellationToken);
                await CheckParentAsync(work, user, parent, self: id, height, cancellationToken);
            }

            return WithPermission(await store.UpdateAsync(work, current, input, cancellationToken), user);
        }, cancellationToken);
    }

    /// <summary>The patterns stay; sub-folders move to the top level.</summary>
    public Task DeleteAsync(Caller caller, Guid id, int? ifMatch, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        return transactions.RunAsync(async work =>
        {
            var current = await LockOwnedAsync(work, id, user, cancellationToken);
            new VersionPrecondition(ifMatch, null).Check(current.Version, current, required: false);
            await store.DeleteAsync(work, id, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Ids that are missing, invisible or already in are skipped.</summary>
    public Task<AddPatternsResult> AddPatternsAsync(Caller caller, Guid id, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var ids = CollectionInput.ParsePatternIds(body, distinct: false);
        return transactions.RunAsync(async work =>
        {
            await LockOwnedAsync(work, id, user, cancellationToken);
            var added = await store.AddPatternsAsync(work, id, user, ids, cancellationToken);
            if (added.Count > 0)
            {
                await store.TouchAsync(work, id, user, cancellationToken);
            }

            var addedSet = added.ToHashSet();
            return new AddPatternsResult(
                ids.Where(addedSet.Contains).Distinct().ToArray(),
                ids.Where(i => !addedSet.Contains(i)).Distinct().ToArray());
        }, cancellationToken);
    }

    public Task RemovePatternAsync(Caller caller, Guid id, Guid patternId, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        return transactions.RunAsync(async work =>
        {
            await LockOwnedAsync(work, id, user, cancellationToken);
            if (!await store.RemovePatternAsync(work, id, patternId, cancellationToken))
            {
                throw new EmotyException(ProblemCode.NotFound, "That pattern is not in this collection.");
            }

            await store.TouchAsync(work, id, user, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task<CollectionResource> ReorderAsync(Caller caller, Guid id, JsonElement body, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var ids = CollectionInput.ParsePatternIds(body, distinct: true);
        return transactions.RunAsync(async work =>
        {
            await LockOwnedAsync(work, id, user, cancellationToken);
            var strangers = await store.NotItemsAsync(work, id, ids, cancellationToken);
            if (strangers.Count > 0)
            {
                var errors = strangers.ToDictionary(s => $"pattern_ids[{IndexOf(ids, s)}]", _ => new[] { "is not in this collection" });
                throw new EmotyException(ProblemCode.ValidationFailed, "Only patterns of this collection can be ordered.", errors);
            }

            await store.ReorderAsync(work, id, ids, cancellationToken);
            return WithPermission(await store.TouchAsync(work, id, user, cancellationToken), user);
        }, cancellationToken);
    }

    // ---- helpers

    private static int IndexOf(IReadOnlyList<Guid> ids, Guid id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }

        return -1;
    }


    private async Task<CollectionResource> LockOwnedAsync(UnitOfWork work, Guid id, Guid user, CancellationToken cancellationToken)
    {
        var collection = Visible(await store.FindAsync(work, id, user, cancellationToken, forUpdate: true), user);
        AccessPolicy.Demand(Resolve(collection, user), Permission.Owner, What);
        return collection;
    }

    private async Task CheckParentAsync(UnitOfWork work, Guid owner, Guid parent, Guid? self, int height, CancellationToken cancellationToken)
    {
        var (depth, containsSelf, owned) = await store.AncestryAsync(work, parent, self, owner, cancellationToken);
        if (!owned)
        {
            throw Invalid("parent_id", "names no collection of yours");
        }

        if (containsSelf)
        {
            throw Invalid("parent_id", "would put the collection inside itself");
        }

        if (depth + height > CollectionStore.MaxDepth)
        {
            throw Invalid("parent_id", $"would nest folders deeper than {CollectionStore.MaxDepth} levels");
        }
    }

    private static EmotyException Invalid(string path, string message) =>
        new(ProblemCode.ValidationFailed, $"{path} {message}.", new Dictionary<string, string[]> { [path] = [message] });

    private static Permission Resolve(CollectionResource collection, Guid? caller) =>
        AccessPolicy.Resolve(caller, collection.UserId, collection.IsPublic);

    private static CollectionResource WithPermission(CollectionResource collection, Guid? caller) =>
        collection with { Permission = Resolve(collection, caller).ToApi() };

    private static CollectionResource Visible(CollectionResource? collection, Guid? caller) =>
        collection is not null && AccessPolicy.CanRead(Resolve(collection, caller))
            ? WithPermission(collection, caller)
            : throw AccessPolicy.NotFound(What);

    private CollectionListQuery ParseListQuery(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        bool publicOnly = false, rootOnly = false;
        string? text = null;
        Guid? parent = null;
        var limit = DefaultLimit;
        PageCursor? cursor = null;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "public" when value is "true" or "false":
                    publicOnly = value == "true";
                    break;
                // Text PostgreSQL can take: no NUL, no control characters, no lone surrogates.
                case "query" when value is { Length: > 0 and <= 200 } && Patterns.PatternRules.TextError(value.Trim(), 1, 200, multiline: false) is null:
                    text = value.Trim();
                    break;
                case "parent_id" when value == "root":
                    rootOnly = true;
                    break;
                case "parent_id" when Guid.TryParse(value, out var id):
                    parent = id;
                    break;
                case "limit" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit:
                    limit = n;
                    break;
                case "cursor" when PageCursor.TryDecode(value, cursors, out var c, keyIsTime: true):
                    cursor = c;
                    break;
                case "public":
                    errors[name] = ["must be true or false"];
                    break;
                case "query":
                    errors[name] = ["must be 1 to 200 characters of text"];
                    break;
                case "parent_id":
                    errors[name] = ["must be a collection id or 'root'"];
                    break;
                case "limit":
                    errors[name] = [$"must be an integer from 1 to {MaxLimit}"];
                    break;
                case "cursor":
                    errors[name] = ["is not a valid cursor"];
                    break;
                default:
                    errors[name] = ["is not a parameter of this route"];
                    break;
            }
        }

        return errors.Count > 0
            ? throw new EmotyException(ProblemCode.ValidationFailed, "The query parameters are not valid.", errors)
            : new CollectionListQuery(publicOnly, text, parent, rootOnly, limit, cursor);
    }
}
