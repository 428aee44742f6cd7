using System.Runtime.CompilerServices;
using System.Text.Json;
using Emoty.Domain.Access;
using Emoty.Domain.Analytics;
using Emoty.Domain.Errors;
using Emoty.Domain.Identity;
using Emoty.Domain.Paging;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Patterns;

/// <summary>
/// Access is decided by <see cref="AccessPolicy"/> on facts read with the row, writes lock the row they change,
/// and every content change keeps the replaced version in pattern_versions.
/// </summary>
public sealed partial class PatternService(
    Transactions transactions, PatternStore store, PatternSearchStore search, PatternReadCache cache, ViewRecorder views, CursorSigner cursors, EmotySettings settings)
{
    private const string What = "pattern";

    /// <summary>A 64×64 grid is ~200 KB of JSON, so a page stays within tens of MB.</summary>
    private const int ExportPageSize = 200;

    /// <summary>A read by a person, so it counts as a view (at most one per viewer per 10 minutes).</summary>
    public async Task<PatternResource> ViewAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var pattern = await GetAsync(caller, id, cancellationToken);
        views.Record(id, caller);
        return pattern;
    }

    /// <summary>The cache entry is the same for every caller; access and favourite are decided per request.</summary>
    public async Task<PatternResource> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var cached = await cache.GetAsync(id, cancellationToken) ?? throw AccessPolicy.NotFound(What);
        var (share, known) = cached.ShareFor(caller.UserId);
        if (!known)
        {
            return Visible(await store.FindAsync(id, caller.UserId, cancellationToken), caller) ?? throw AccessPolicy.NotFound(What);
        }

        var pattern = Visible(cached.Pattern with { SharePermission = share }, caller) ?? throw AccessPolicy.NotFound(What);
        return caller.UserId is { } user && await cache.IsFavoritedAsync(user, id, cancellationToken)
            ? pattern with { IsFavorited = true }
            : pattern;
    }

    public async Task<SearchPage> SearchAsync(Caller caller, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var query = PatternSearchQuery.Parse(parameters, cursors);
        if (query.FavoritedByMe is not null && !caller.IsAuthenticated)
        {
            throw new EmotyException(ProblemCode.Unauthorized, "Sign in to filter by your favourites.");
        }

        var page = await search.SearchAsync(query, caller.UserId, cancellationToken);
        return page with { Data = page.Data.Select(p => WithPermission(p, caller.UserId)).ToArray() };
    }

    public Task<SearchPage> FavoritesAsync(Caller caller, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        caller.RequireUserId();
        return SearchAsync(caller, Implying(parameters, "favorited_by_me", "true"), cancellationToken);
    }

    public async Task<SearchPage> RemixesAsync(Caller caller, Guid id, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken cancellationToken)
    {
        var implied = Implying(parameters, "parent_pattern_id", id.ToString("D"));
        await GetAsync(caller, id, cancellationToken);
        return await SearchAsync(caller, implied, cancellationToken);
    }

    /// <summary>The route fixes this parameter; the client giving it too is a 400.</summary>
    private static List<KeyValuePair<string, string?>> Implying(IEnumerable<KeyValuePair<string, string?>> parameters, string name, string value)
    {
        var list = parameters.ToList();
        if (list.Any(p => p.Key == name))
        {
            throw new EmotyException(ProblemCode.ValidationFailed, $"{name} is implied here.",
                new Dictionary<string, string[]> { [name] = ["is not a parameter of this route"] });
        }

        list.Add(new(name, value));
        return list;
    }

    public async Task<PatternResource> CreateAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        var owner = caller.RequireUserId();
        var draft = PatternInput.ParseCreate(body);
        return await transactions.RunAsync(work =>
            CreateAsync(work, owner, draft, "", cancellationToken), cancellationToken);
    }

    public async Task<PatternResource> UpdateAsync(Caller caller, Guid id, JsonElement body, int? ifMatch, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var changes = PatternInput.ParseChanges(body);
        var precondition = new VersionPrecondition(ifMatch, changes.Version);
        var updated = await transactions.RunAsync(work =>
            UpdateAsync(work, user, id, changes, precondition, "", cancellationToken), cancellationToken);
        await cache.InvalidateAsync([id]);
        return updated;
    }

    public async Task DeleteAsync(Caller caller, Guid id, int? ifMatch, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        await transactions.RunAsync(work =>
            DeleteAsync(work, user, id, new VersionPrecondition(ifMatch, null), cancellationToken), cancellationToken);
        await cache.InvalidateAsync([id]);
    }

    /// <summary>Only the owner may; to anyone else a deleted pattern does not exist.</summary>
    public async Task<PatternResource> RestoreAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var restored = await transactions.RunAsync(async work =>
        {
            var pattern = await store.FindAsync(work, id, user, cancellationToken, includeDeleted: true, forUpdate: true);
            if (pattern is null || (pattern.DeletedAt is not null && pattern.UserId != user))
            {
                throw AccessPolicy.NotFound(What);
            }

            AccessPolicy.Demand(Resolve(pattern, user), Permission.Owner, What);
            if (pattern.DeletedAt is null)
            {
                return WithPermission(pattern, user);
            }

            await store.RestoreAsync(work, id, cancellationToken);
            var live = await store.FindAsync(work, id, user, cancellationToken);
            return WithPermission(live!, user);
        }, cancellationToken);
        await cache.InvalidateAsync([id]);
        return restored;
    }

    /// <summary>POST toggles; PUT sets and DELETE clears, so a client retrying after a lost answer ends where it meant to (a retried toggle reverses itself).</summary>
    public async Task<FavoriteToggle> ChangeFavoriteAsync(Caller caller, Guid id, FavoriteChange change, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var result = await transactions.RunAsync(work =>
                store.ChangeFavoriteAsync(work, id, user, change, p => AccessPolicy.CanRead(Resolve(p, user)), cancellationToken), cancellationToken)
            ?? throw AccessPolicy.NotFound(What);
        await cache.InvalidateFavoriteAsync(user, id);
        return new FavoriteToggle(id, result.IsFavorited, result.LikeCount);
    }

    /// <summary>A new private pattern of the caller's whose parent is the source; counts a copy on the source for its owner's analytics.</summary>
    public async Task<PatternResource> DuplicateAsync(Caller caller, Guid id, JsonElement? body, CancellationToken cancellationToken)
    {
        var owner = caller.RequireUserId();
        var name = PatternInput.ParseDuplicate(body);
        var copy = await transactions.RunAsync(async work =>
        {
            var source = await store.FindAsync(work, id, owner, cancellationToken);
            if (source is null || !AccessPolicy.CanRead(Resolve(source, owner)))
            {
                throw AccessPolicy.NotFound(What);
            }

            var draft = ToDraft(source) with
            {
                Name = name ?? PatternRules.CopyName(source.Name),
                IsPublic = false,
                ParentPatternId = source.Id,
            };
            return WithPermission(await store.InsertAsync(work, owner, draft, cancellationToken), owner);
        }, cancellationToken);
        views.Record(id, caller, UsageEventTypes.Copy);
        return copy;
    }

    /// <summary>
    /// Read a page at a time, so no list of a large account's patterns is held (the HTTP worker still buffers the written body).
    /// Signed-in is checked now, not at the first row.
    /// </summary>
    public IAsyncEnumerable<PatternResource> ExportAsync(Caller caller, CancellationToken cancellationToken)
    {
        var owner = caller.RequireUserId();
        return Pages(cancellationToken);

        async IAsyncEnumerable<PatternResource> Pages([EnumeratorCancellation] CancellationToken cancellation)
        {
            DateTime? afterCreated = null;
            var afterId = Guid.Empty;
            while (true)
            {
                var page = await store.OwnPageAsync(owner, afterCreated, afterId, ExportPageSize, cancellation);
                foreach (var pattern in page)
                {
                    yield return WithPermission(pattern, owner);
                }

                if (page.Count < ExportPageSize)
                {
                    yield break;
                }

                (afterCreated, afterId) = (page[^1].CreatedAt, page[^1].Id);
            }
        }
    }

    /// <summary>History is for those who may edit.</summary>
    public async Task<IReadOnlyList<PatternVersion>> ListVersionsAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        caller.RequireUserId();
        var pattern = await GetAsync(caller, id, cancellationToken);
        AccessPolicy.Demand(Resolve(pattern, caller.UserId), Permission.Edit, What);
        return await store.ListVersionsAsync(id, cancellationToken);
    }

    public async Task<PatternResource> RestoreVersionAsync(Caller caller, Guid id, int version, int? ifMatch, CancellationToken cancellationToken)
    {
        var user = caller.RequireUserId();
        var restored = await transactions.RunAsync(async work =>
        {
            var pattern = await LockAsync(work, user, id, Permission.Edit, cancellationToken);
            new VersionPrecondition(ifMatch, null).Check(pattern.Version, WithPermission(pattern, user), settings.RequireVersionOnWrite);
            var earlier = await store.FindVersionAsync(work, id, version, cancellationToken)
                ?? throw new EmotyException(ProblemCode.NotFound, $"This pattern has no earlier version {version}.");

            var draft = ToDraft(WithContentOf(pattern, earlier));
            DemandVisibilityChange(pattern, draft, user);
            await store.SnapshotAsync(work, id, user, cancellationToken);
            return WithPermission(await store.UpdateContentAsync(work, id, user, draft, cancellationToken), user);
        }, cancellationToken);
        await cache.InvalidateAsync([id]);
        return restored;
    }

    // ---- steps shared by the single-pattern routes and the batch (they run inside the caller's transaction)

    internal async Task<PatternResource> CreateAsync(UnitOfWork work, Guid owner, PatternDraft draft, string pathPrefix, CancellationToken cancellationToken)
    {
        await CheckParentAsync(work, owner, draft.ParentPatternId, pathPrefix, cancellationToken);
        return WithPermission(await store.InsertAsync(work, owner, draft, cancellationToken), owner);
    }

    /// <summary>In one statement, so without a parent: a parent is checked per pattern.</summary>
    internal Task CreateManyAsync(
        UnitOfWork work, Guid owner, IReadOnlyList<(Guid Id, PatternDraft Draft)> patterns, CancellationToken cancellationToken) =>
        patterns.Any(p => p.Draft.ParentPatternId is not null)
            ? throw new ArgumentException("A parent is checked per pattern: create those one at a time.", nameof(patterns))
            : store.InsertManyAsync(work, owner, patterns, cancellationToken);

    /// <summary>
    /// Three statements for all, each update as <see cref="UpdateLockedAsync"/> makes it. Null, with nothing written, when one needs what only
    /// the one-by-one path does (no edit access, a stale base version, no change, a parent to check, a forbidden visibility change).
    /// </summary>
    internal async Task<Dictionary<Guid, int>?> UpdateManyAsync(
        UnitOfWork work, Guid user,
        IReadOnlyList<(Guid Id, int? BaseVersion, PatternChanges Changes, string Path)> updates, CancellationToken cancellationToken)
    {
        var locked = (await store.FindManyForUpdateAsync(work, updates.Select(u => u.Id).ToArray(), user, cancellationToken))
            .ToDictionary(p => p.Id);
        var drafts = new List<(Guid Id, PatternDraft Draft)>(updates.Count);
        foreach (var (id, baseVersion, changes, path) in updates)
        {
            if (!locked.TryGetValue(id, out var pattern) || Resolve(pattern, user) < Permission.Edit
                || (baseVersion is { } expected && expected != pattern.Version) || changes.IsEmpty || changes.ParentPatternId.IsSet)
            {
                return null;
            }

            var merged = changes.ApplyTo(ToDraft(pattern), path);
            if (merged.IsPublic != pattern.IsPublic && Resolve(pattern, user) < Permission.Admin)
            {
                return null;
            }

            drafts.Add((id, merged));
        }

        await store.SnapshotManyAsync(work, [.. locked.Keys], user, cancellationToken);
        return await store.UpdateContentManyAsync(work, drafts, cancellationToken);
    }

    internal async Task<PatternResource> UpdateAsync(
        UnitOfWork work, Guid user, Guid id, PatternChanges changes,
        VersionPrecondition precondition, string pathPrefix, CancellationToken cancellationToken) =>
        await UpdateLockedAsync(work, user, await LockAsync(work, user, id, Permission.Edit, cancellationToken),
            changes, precondition, pathPrefix, cancellationToken);

    /// <summary>For a pattern this transaction has locked with edit access (<see cref="LockAsync"/>), so it is not read twice.</summary>
    internal async Task<PatternResource> UpdateLockedAsync(
        UnitOfWork work, Guid user, PatternResource pattern, PatternChanges changes,
        VersionPrecondition precondition, string pathPrefix, CancellationToken cancellationToken)
    {
        var id = pattern.Id;
        precondition.Check(pattern.Version, WithPermission(pattern, user), settings.RequireVersionOnWrite);
        if (changes.IsEmpty)
        {
            return WithPermission(pattern, user);
        }

        var merged = changes.ApplyTo(ToDraft(pattern), pathPrefix);
        DemandVisibilityChange(pattern, merged, user);
        if (changes.ParentPatternId.IsSet && merged.ParentPatternId != pattern.ParentPatternId)
        {
            if (merged.ParentPatternId == id)
            {
                throw Invalid(pathPrefix + "parent_pattern_id", "cannot be the pattern itself");
            }

            await CheckParentAsync(work, user, merged.ParentPatternId, pathPrefix, cancellationToken);
        }

        await store.SnapshotAsync(work, id, user, cancellationToken);
        return WithPermission(await store.UpdateContentAsync(work, id, user, merged, cancellationToken), user);
    }

    internal async Task DeleteAsync(UnitOfWork work, Guid user, Guid id, VersionPrecondition precondition, CancellationToken cancellationToken)
    {
        var pattern = await LockAsync(work, user, id, Permission.Admin, cancellationToken);
        precondition.Check(pattern.Version, WithPermission(pattern, user), required: false);
        await store.SoftDeleteAsync(work, id, user, cancellationToken);
    }

    // ---- helpers

    internal async Task<PatternResource> LockAsync(
        UnitOfWork work, Guid user, Guid id, Permission needed, CancellationToken cancellationToken, bool forUpdate = true)
    {
        var pattern = await store.FindAsync(work, id, user, cancellationToken, forUpdate: forUpdate);
        if (pattern is null)
        {
            throw AccessPolicy.NotFound(What);
        }

        AccessPolicy.Demand(Resolve(pattern, user), needed, What);
        return pattern;
    }

    /// <summary>Publishing or unpublishing someone's pattern is the owner's (or an admin's) call, not an editor's.</summary>
    private static void DemandVisibilityChange(PatternResource pattern, PatternDraft merged, Guid user)
    {
        if (merged.IsPublic != pattern.IsPublic && Resolve(pattern, user) < Permission.Admin)
        {
            throw new EmotyException(ProblemCode.Forbidden, "Only the owner or an admin may change is_public.");
        }
    }

    private async Task CheckParentAsync(UnitOfWork work, Guid user, Guid? parentId, string pathPrefix, CancellationToken cancellationToken)
    {
        if (parentId is not { } parent)
        {
            return;
        }

        var found = await store.FindAsync(work, parent, user, cancellationToken);
        if (found is null || !AccessPolicy.CanRead(Resolve(found, user)))
        {
            throw Invalid(pathPrefix + "parent_pattern_id", "names no pattern that you can see");
        }
    }

    private static EmotyException Invalid(string path, string message) =>
        new(ProblemCode.ValidationFailed, $"{path} {message}.", new Dictionary<string, string[]> { [path] = [message] });

    internal static Permission Resolve(PatternResource pattern, Guid? caller) =>
        AccessPolicy.Resolve(caller, pattern.UserId, pattern.IsPublic,
            PermissionNames.TryParseShare(pattern.SharePermission, out var shared) ? shared : Permission.None);

    internal static PatternResource WithPermission(PatternResource pattern, Guid? caller) =>
        pattern with { Permission = Resolve(pattern, caller).ToApi() };

    private static PatternResource? Visible(PatternResource? pattern, Caller caller)
    {
        if (pattern is null)
        {
            return null;
        }

        var permission = Resolve(pattern, caller.UserId);
        return AccessPolicy.CanRead(permission) ? pattern with { Permission = permission.ToApi() } : null;
    }

    /// <summary>Who owns it and where it came from stay.</summary>
    internal static PatternResource WithContentOf(PatternResource current, PatternVersion earlier) => current with
    {
        Name = earlier.Name,
        Description = earlier.Description,
        Sequence = earlier.Sequence,
        PaletteId = earlier.PaletteId,
        Size = earlier.Size,
        Tags = earlier.Tags,
        DifficultyRating = earlier.DifficultyRating,
        EstimatedTimeMinutes = earlier.EstimatedTimeMinutes,
        IsPublic = earlier.IsPublic,
        IsAiGenerated = earlier.IsAiGenerated,
        GenerationPrompt = earlier.GenerationPrompt,
    };

    /// <summary>So that changes can be merged into it and validated as a whole.</summary>
    internal static PatternDraft ToDraft(PatternResource pattern)
    {
        var sequence = PatternSequence.FromJson(pattern.Sequence.Text);
        // A stored estimate equal to the computed one was computed: let it follow the new grid.
        var computed = PatternMetrics.EstimatedMinutes(sequence.Cells, pattern.Size);
        return new PatternDraft
        {
            Name = pattern.Name,
            Description = pattern.Description,
            Cells = sequence.Cells,
            SequenceMetadata = sequence.Metadata,
            Size = pattern.Size,
            PaletteId = pattern.PaletteId,
            Tags = pattern.Tags,
            DifficultyRating = pattern.DifficultyRating,
            EstimatedTimeMinutes = pattern.EstimatedTimeMinutes == computed ? null : pattern.EstimatedTimeMinutes,
            IsPublic = pattern.IsPublic,
            IsAiGenerated = pattern.IsAiGenerated,
            GenerationPrompt = pattern.GenerationPrompt,
            ParentPatternId = pattern.ParentPatternId,
        };
    }
}

public sealed record FavoriteToggle(Guid PatternId, bool IsFavorited, long LikeCount);
