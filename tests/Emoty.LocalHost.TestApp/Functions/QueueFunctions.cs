using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace Emoty.LocalHost.TestApp.Functions;

/// <summary>Queue-triggered functions: a copier, an SDK-type binder and one that always throws.</summary>
public sealed class QueueFunctions
{
    [Function(nameof(CopyMessage))]
    [QueueOutput("%EchoOutQueue%")]
    public string CopyMessage([QueueTrigger("%EchoInQueue%")] string message) => message;

    [Function(nameof(DescribeMessage))]
    [QueueOutput("%SdkOutQueue%")]
    public string DescribeMessage([QueueTrigger("%SdkInQueue%")] QueueMessage message) =>
        $"{message.MessageText}|{message.DequeueCount}";

    /// <summary>Records each attempt (with the dequeue count bound from trigger metadata), then throws.</summary>
    [Function(nameof(AlwaysFails))]
    public async Task AlwaysFails([QueueTrigger("%FailQueue%")] string message, long dequeueCount)
    {
        var attempts = new QueueClient(
            Environment.GetEnvironmentVariable("AzureWebJobsStorage"),
            Environment.GetEnvironmentVariable("FailQueue") + "-attempts",
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await attempts.CreateIfNotExistsAsync();
        await attempts.SendMessageAsync($"{message}|{dequeueCount}");
        throw new InvalidOperationException($"Attempt {dequeueCount} failed on purpose.");
    }
}
