using Emoty.Domain.Errors;

namespace Emoty.Domain.Access;

/// <summary>
/// The one place that decides who may do what, on facts read in the same query as the resource. A resource
/// the caller cannot see is always 404, never 403, so its existence does not leak.
/// </summary>
public static class AccessPolicy
{
    /// <param name="sharedPermission">Already filtered to live shares by the store.</param>
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
