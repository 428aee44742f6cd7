using Azure.Storage.Queues;

namespace Emoty.Domain.Queues;

/// <summary>
/// One of the app's storage queues, created on the first send of the process: a fresh storage
/// account (or a test's own queue names) has none yet, and creating it on every send would double
/// the round trips of the hot path.
/// </summary>
public sealed class AppQueue(QueueClient client)
{
    private volatile bool _exists;

    /// <param name="delay">How long the message stays invisible before a trigger may take it.</param>
    public async Task SendAsync(BinaryData message, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        if (!_exists)
        {
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }

        await client.SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}
