namespace Emoty.Domain.Access;

/// <summary>
/// <see cref="AccessPolicy"/>'s read rule as SQL, for lists that filter many rows at once (collection
/// contents, previews): live, and public, or owned by <c>@caller</c>, or shared with them unexpired.
/// With <c>@caller</c> NULL (anonymous) only public patterns pass.
/// </summary>
public static class VisibilitySql
{
    public const string PatternVisibleToCaller = """
        (p.deleted_at IS NULL AND (p.is_public OR p.user_id = @caller OR EXISTS (
            SELECT 1 FROM pattern_shares vs
            WHERE vs.pattern_id = p.id AND vs.shared_with = @caller AND (vs.expires_at IS NULL OR vs.expires_at > now()))))
        """;
}
