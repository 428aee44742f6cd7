using Emoty.Domain.Errors;

namespace Emoty.Domain.Patterns;

/// <summary>A stale <c>If-Match</c> is 412, a stale body <c>version</c> 409; with neither the write applies to the current version unless versions are required (428).</summary>
public readonly record struct VersionPrecondition(int? IfMatch, int? BodyVersion)
{
    public static readonly VersionPrecondition None = default;

    public bool IsPresent => IfMatch.HasValue || BodyVersion.HasValue;

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
