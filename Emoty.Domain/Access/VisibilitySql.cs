namespace Emoty.Domain.Access;

/// <summary><see cref="AccessPolicy"/>'s read rule as SQL, for lists that filter many rows at once.</summary>
public static class VisibilitySql
{
    public const string PatternVisibleToCaller = $"""
        (p.deleted_at IS NULL AND (p.is_public OR p.user_id = @caller OR EXISTS (
            SELECT 1 FROM {LiveShares.Shares} vs WHERE vs.pattern_id = p.id AND vs.shared_with = @caller)))
        """;
}
