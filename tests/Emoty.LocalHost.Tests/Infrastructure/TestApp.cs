using System.Reflection;

namespace Emoty.LocalHost.Tests.Infrastructure;

/// <summary>Where the build put tests/Emoty.LocalHost.TestApp (built first through a ProjectReference).</summary>
public static class TestApp
{
    public static string Directory { get; } = Path.GetFullPath(
        typeof(TestApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestAppDirectory").Value!);
}
