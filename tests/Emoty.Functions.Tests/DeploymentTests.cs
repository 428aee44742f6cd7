using System.Diagnostics;
using System.Reflection;

namespace Emoty.Functions.Tests;

/// <summary>The Azure deployment compiles and gives the app every setting it runs with locally.</summary>
public sealed class DeploymentTests
{
    private static string Metadata(string key) =>
        typeof(DeploymentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [Fact]
    public async Task main_bicep_compiles_without_warnings_and_sets_every_app_setting_of_the_sample()
    {
        var bicep = Path.Combine(Metadata("BicepPackage"), "tools", "bicep");
        var template = Path.Combine(Metadata("RepositoryRoot"), "infra", "azure", "main.bicep");
        var start = new ProcessStartInfo(bicep, ["build", template, "--stdout"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await errors);
        Assert.True((await errors).Trim().Length == 0, "bicep warned: " + await errors);
        using var arm = JsonDocument.Parse(await output);
        var site = arm.RootElement.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var settings = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()).ToHashSet();

        // Flex Consumption takes the worker runtime from functionAppConfig, not from an app setting.
        var missing = EmotyApp.SampleSettings().Keys.Where(k => k != "FUNCTIONS_WORKER_RUNTIME" && !settings.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "main.bicep does not set " + string.Join(", ", missing));
    }
}
