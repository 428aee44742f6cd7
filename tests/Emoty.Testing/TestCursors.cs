using Emoty.Domain.Paging;

namespace Emoty.Testing;

/// <summary>The cursor key of tests that make or read cursors without the app (the app's comes from the sample settings).</summary>
public static class TestCursors
{
    public static readonly CursorSigner Signer = CursorSigner.FromSetting("emoty-tests-cursor-key-not-a-secret-0123456789");
}
