using Emoty.Domain.Access;
using Npgsql;

namespace Emoty.Domain.Patterns;

/// <summary>
/// What offline sync needs from the pattern write path beyond create, update and delete (which it
/// calls as they are, inside its own transaction): the pattern locked with the same access rules,
/// the content at an earlier version for a three-way merge, and a delete that may find the pattern
/// already deleted.
/// </summary>
public sealed partial class PatternService
{
    /// <summary>Reads and locks a live pattern, with the access an HTTP write of the same kind demands (404 / 403 otherwise).</summary>
    internal static Task<PatternResource> LockForSyncAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid user, Guid id, Permission needed, CancellationToken cancellationToken) =>
        LockForWriteAsync(connection, transaction, user, id, needed, cancellationToken);

    /// <summary>The version of a pattern just created.</summary>
    internal const int FirstVersion = PatternStore.FirstVersion;

    /// <summary>A pattern as <paramref name="user"/> sees it, deleted or not: what a temp_id created before stands for.</summary>
    internal static Task<PatternResource?> FindIncludingDeletedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid user, Guid id, CancellationToken cancellationToken) =>
        PatternStore.FindAsync(connection, transaction, id, user, cancellationToken, includeDeleted: true);

    /// <summary>
    /// Reads and locks a pattern for a delete, deleted or not. A deleted one is returned only to
    /// those who could have deleted it (so deleting twice succeeds); to anyone else it is 404, as
    /// every deleted pattern is over HTTP.
    /// </summary>
    internal static async Task<PatternResource> LockForSyncDeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid user, Guid id, CancellationToken cancellationToken)
    {
        var pattern = await PatternStore.FindAsync(connection, transaction, id, user, cancellationToken, includeDeleted: true, forUpdate: true);
        var permission = pattern is null ? Permission.None : Resolve(pattern, user);
        if (pattern is null || (pattern.DeletedAt is not null && permission < Permission.Admin))
        {
            throw AccessPolicy.NotFound(What);
        }

        AccessPolicy.Demand(permission, Permission.Admin, What);
        return pattern with { Permission = permission.ToApi() };
    }

    /// <summary>
    /// The content of <paramref name="current"/> as it was at <paramref name="version"/>, as a draft
    /// comparable field by field with <see cref="ToDraft(PatternResource)"/> of the current one;
    /// null when that version was never stored. Versions do not record the parent link, so the
    /// current one stands in for it (a parent change is never seen as the server's).
    /// </summary>
    internal static async Task<PatternDraft?> DraftAtVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PatternResource current, int version, CancellationToken cancellationToken)
    {
        if (version == current.Version)
        {
            return ToDraft(current);
        }

        var earlier = await PatternStore.FindVersionAsync(connection, transaction, current.Id, version, cancellationToken);
        return earlier is null ? null : ToDraft(WithContentOf(current, earlier));
    }
}
