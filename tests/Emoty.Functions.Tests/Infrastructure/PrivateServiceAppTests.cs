namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>
/// Tests that break a service: the service is the test's own (a <see cref="Emoty.Testing.PrivatePostgres"/>,
/// <see cref="Emoty.Testing.PrivateRedis"/>, <see cref="Emoty.Testing.PrivateAzurite"/>), started first, and
/// the app is started on it with the settings that point there. A fresh pair per test.
/// </summary>
public abstract class PrivateServiceAppTests<TService>(Func<Task<TService>> start, Func<TService, Dictionary<string, string>> settings) : IAsyncLifetime
    where TService : IAsyncDisposable
{
    protected TService Service { get; private set; } = default!;

    protected EmotyApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = await start();
        App = new EmotyApp { OverrideSettings = () => Task.FromResult(settings(Service)) };
        await App.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}
