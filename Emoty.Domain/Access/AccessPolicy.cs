using Emoty.Domain.Errors;

namespace Emoty.Domain.Access;

/// <summary>
/// The one place that decides who may read, edit, delete and share a pattern or collection.
/// Inputs are facts the stores read in the same query as the resource (owner, public flag, the
/// caller's unexpired share); outputs are a <see cref="Permission"/> and the failure to report.
/// A resource the caller cannot see is always 404, never 403, so its existence does not leak.
/// </summary>
public static class AccessPolicy
{
    /// <param name="callerId">null for anonymous callers</param>
    /// <param name="ownerId">the resource's owner</param>
    /// <param name="isPublic">public resources are readable by anyone, anonymous included</param>
    /// <param name="sharedPermission">the caller's share, already filtered to unexpired ones by the store</param>
    public static Permission Resolve(Guid? callerId, Guid ownerId, bool isPublic, Permission sharedPermission = Permission.None)
    {
        if (callerId is { } id && id == ownerId)
        {
            return Permission.Owner;
        }

        var shared = callerId is null ? Permission.None : sharedPermission;
        if (shared >= Permission.View)
        {
            return shared;
        }

        return isPublic ? Permission.View : Permission.None;
    }

    public static bool CanRead(Permission p) => p >= Permission.View;
    public static bool CanEdit(Permission p) => p >= Permission.Edit;
    public static bool CanDelete(Permission p) => p >= Permission.Admin;
    public static bool CanManageShares(Permission p) => p >= Permission.Admin;
    public static bool CanGrant(Permission p, Permission granted) => granted == Permission.Admin ? p == Permission.Owner : p >= Permission.Admin;
    public static bool CanSeeHistory(Permission p) => p >= Permission.Edit;

    /// <summary>Throws 404 when the caller cannot see the resource and 403 when they can but may not do this.</summary>
    public static void Demand(Permission actual, Permission required, string what = "resource")
    {
        if (actual < Permission.View)
        {
            throw NotFound(what);
        }

        if (actual < required)
        {
            throw new EmotyException(ProblemCode.Forbidden,
                $"You need {required.ToApi()} permission on this {what}; you have {actual.ToApi()}.");
        }
    }

    public static EmotyException NotFound(string what = "resource") =>
        new(ProblemCode.NotFound, $"No such {what}, or it is not visible to you.");
}
