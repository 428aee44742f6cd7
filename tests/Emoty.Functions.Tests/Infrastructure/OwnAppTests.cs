namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>
/// Tests that need an app of their own, started with some settings changed: a dependency made
/// unreachable, a timer every second, a stricter option. Each test gets a fresh app (xunit makes a
/// new instance of the class per test).
/// </summary>
public abstract class OwnAppTests(Dictionary<string, string> settings) : IAsyncLifetime
{
    protected EmotyApp App { get; } = new() { OverrideSettings = () => Task.FromResult(settings) };

    public Task InitializeAsync() => App.InitializeAsync();

    public Task DisposeAsync() => App.DisposeAsync();
}
