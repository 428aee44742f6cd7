using Emoty.Domain.Access;
using Emoty.Domain.Persistence;

namespace Emoty.Domain.Patterns;

/// <summary>
/// What other capabilities need from patterns beyond create, update and delete, with the same access
/// rules. Nothing outside Patterns/ reaches the pattern store or cache.
/// </summary>
public sealed partial class PatternService
{
    internal const int FirstVersion = PatternStore.FirstVersion;

    /// <summary>What a temp_id created before stands for, even if deleted since.</summary>
    internal Task<PatternResource?> FindIncludingDeletedAsync(
        UnitOfWork work, Guid user, Guid id, CancellationToken cancellationToken) =>
        store.FindAsync(work, id, user, cancellationToken, includeDeleted: true);

    /// <summary>A deleted pattern is returned only to those who could have deleted it (so deleting twice succeeds); to anyone else it is 404, as over HTTP.</summary>
    internal async Task<PatternResource> LockForSyncDeleteAsync(
        UnitOfWork work, Guid user, Guid id, CancellationToken cancellationToken)
    {
        var pattern = await store.FindAsync(work, id, user, cancellationToken, includeDeleted: true, forUpdate: true);
        var permission = pattern is null ? Permission.None : Resolve(pattern, user);
        if (pattern is null || (pattern.DeletedAt is not null && permission < Permission.Admin))
        {
            throw AccessPolicy.NotFound(What);
        }

        AccessPolicy.Demand(permission, Permission.Admin, What);
        return pattern with { Permission = permission.ToApi() };
    }

    /// <summary>
    /// Null when that version was never stored. Versions do not record the parent link, so the current one stands in for it
    /// (a parent change is never seen as the server's).
    /// </summary>
    internal async Task<PatternDraft?> DraftAtVersionAsync(
        UnitOfWork work, PatternResource current, int version, CancellationToken cancellationToken)
    {
        if (version == current.Version)
        {
            return ToDraft(current);
        }

        var earlier = await store.FindVersionAsync(work, current.Id, version, cancellationToken);
        return earlier is null ? null : ToDraft(WithContentOf(current, earlier));
    }

    /// <summary>
    /// For a capability whose committed write changed what a pattern's cache entry holds (its shares,
    /// its counters, content applied by sync): every instance reads those patterns afresh.
    /// </summary>
    public Task ForgetCachedAsync(IEnumerable<Guid> ids) => cache.InvalidateAsync(ids);
}
