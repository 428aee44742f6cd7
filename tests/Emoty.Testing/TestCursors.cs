using Emoty.Domain.Paging;
using Emoty.Domain.Patterns;

namespace Emoty.Testing;

/// <summary>The cursor key of tests that make or read cursors without the app (the app's comes from the sample settings).</summary>
public static class TestCursors
{
    public static readonly CursorSigner Signer = CursorSigner.FromSetting("emoty-tests-cursor-key-not-a-secret-0123456789");

    /// <summary>A search as its query string reads ("query=reef&amp;sort=like_count", values URL-encoded), with the tests' cursor key.</summary>
    public static PatternSearchQuery Search(string queryString) =>
        PatternSearchQuery.Parse(
            queryString.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Select(p => new KeyValuePair<string, string?>(p[0], Uri.UnescapeDataString(p[1]))),
            Signer);
}
