using Emoty.Domain.Errors;
using Npgsql;

namespace Emoty.Domain.Persistence;

/// <summary>
/// The database keeps its own copy of the content rules (check constraints). When one of them
/// catches what validation let through, the data is still the client's fault: a 422, not a 500.
/// </summary>
public static class DatabaseRules
{
    /// <summary>The problem for a write a check constraint refused, or null for any other failure.</summary>
    public static Problem? Broken(Exception failure) => failure is PostgresException { SqlState: PostgresErrorCodes.CheckViolation } check
        ? Problem.For(ProblemCode.ValidationFailed, $"The data breaks the rule {check.ConstraintName}.")
        : null;
}
