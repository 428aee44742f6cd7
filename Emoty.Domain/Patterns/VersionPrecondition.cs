using Emoty.Domain.Errors;

namespace Emoty.Domain.Patterns;

/// <summary>
/// The version a write expects, from <c>If-Match</c> (stale → 412) or the body's <c>version</c>
/// (stale → 409); with neither the write applies to the current version unless versions are required.
/// </summary>
public readonly record struct VersionPrecondition(int? IfMatch, int? BodyVersion)
{
    public static readonly VersionPrecondition None = default;

    public bool IsPresent => IfMatch.HasValue || BodyVersion.HasValue;

    /// <summary>Throws 428 / 412 / 409 (with <paramref name="current"/>) unless the write may go ahead.</summary>
    public void Check(int currentVersion, object current, bool required)
    {
        if (!IsPresent)
        {
            if (required)
            {
                throw new EmotyException(ProblemCode.PreconditionRequired,
                    "Send If-Match: \"<version>\" or a version field with this write.");
            }

            return;
        }

        if (IfMatch is { } ifMatch && ifMatch != currentVersion)
        {
            throw new EmotyException(ProblemCode.PreconditionFailed,
                $"If-Match names version {ifMatch}; the current version is {currentVersion}.") { Current = current };
        }

        if (BodyVersion is { } version && version != currentVersion)
        {
            throw new EmotyException(ProblemCode.VersionConflict,
                $"You edited version {version}; the current version is {currentVersion}.") { Current = current };
        }
    }
}
