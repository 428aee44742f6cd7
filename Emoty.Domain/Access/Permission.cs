namespace Emoty.Domain.Access;

/// <summary>What a caller may do with a resource, weakest first: each level includes the ones below.</summary>
public enum Permission
{
    None = 0,
    View = 1,
    Edit = 2,
    Admin = 3,
    Owner = 4,
}

public static class PermissionNames
{
    public static string ToApi(this Permission permission) => permission switch
    {
        Permission.Owner => "owner",
        Permission.Admin => "admin",
        Permission.Edit => "edit",
        Permission.View => "view",
        _ => "none",
    };

    /// <summary>The permissions a share can grant (never owner).</summary>
    public static bool TryParseShare(string? value, out Permission permission)
    {
        permission = value switch
        {
            "view" => Permission.View,
            "edit" => Permission.Edit,
            "admin" => Permission.Admin,
            _ => Permission.None,
        };
        return permission != Permission.None;
    }
}
