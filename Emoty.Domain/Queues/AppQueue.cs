using Azure;
using Azure.Storage.Queues;
using Emoty.Domain.Errors;

namespace Emoty.Domain.Queues;

/// <summary>
/// Created on the first send of the process: a fresh account (or a test's own queue names) has none yet, and creating it on every
/// send would double the hot path's round trips. A send the queue refuses or does not answer in <see cref="SendTimeout"/> is a 503
/// with Retry-After: nothing was queued, and a client must not be held while the storage account is down.
/// </summary>
public sealed class AppQueue(QueueClient client, TimeProvider time)
{
    /// <summary>The SDK's own retries would hold a request for over a minute.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(3);

    private volatile bool _exists;

    public async Task SendAsync(BinaryData message, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        using var timeout = new CancellationTokenSource(SendTimeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (!_exists)
            {
                await client.CreateIfNotExistsAsync(cancellationToken: bounded.Token);
                _exists = true;
            }

            await client.SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: bounded.Token);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested && IsUnavailable(failure))
        {
            throw new EmotyException(ProblemCode.ServiceUnavailable,
                "The queue that takes this request cannot be reached; nothing was accepted. Try again shortly.")
            { RetryAfterSeconds = 5 };
        }
    }

    /// <summary>The SDK gives up with one failure, or with all its retries' failures in one AggregateException.</summary>
    private static bool IsUnavailable(Exception failure) => failure switch
    {
        RequestFailedException refused => refused.Status is 0 or >= 500,
        HttpRequestException => true,
        // The timeout above, or the SDK's network timeout; the caller's own cancellation is excluded before.
        OperationCanceledException => true,
        AggregateException all => all.InnerExceptions.All(IsUnavailable),
        _ => false,
    };
}
