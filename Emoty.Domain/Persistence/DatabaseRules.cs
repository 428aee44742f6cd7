using Emoty.Domain.Errors;
using Npgsql;

namespace Emoty.Domain.Persistence;

/// <summary>
/// The database keeps its own copy of the content rules (check constraints). When one catches what validation let through,
/// the data is still the client's fault: a 400 validation_failed, not a 500.
/// </summary>
public static class DatabaseRules
{
    /// <summary>Null for any failure other than a check constraint.</summary>
    public static Problem? Broken(Exception failure) => failure is PostgresException { SqlState: PostgresErrorCodes.CheckViolation } check
        ? Problem.For(ProblemCode.ValidationFailed, $"The data breaks the rule {check.ConstraintName}.")
        : null;
}
