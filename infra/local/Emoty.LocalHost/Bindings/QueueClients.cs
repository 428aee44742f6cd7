using System.Collections.Concurrent;
using Azure.Storage.Queues;

namespace Emoty.LocalHost.Bindings;

/// <summary>
/// One QueueClient per (connection, queue), each created in storage once. Clients use no SDK
/// encoding: the host decides what travels as base64, exactly as the real host does.
/// </summary>
internal sealed class QueueClients
{
    private readonly ConcurrentDictionary<(string Connection, string Queue), Lazy<Task<QueueClient>>> _clients = new();

    public async Task<QueueClient> GetAsync(string connectionString, string queueName)
    {
        var key = (connectionString, queueName);
        var client = _clients.GetOrAdd(key, static k => new Lazy<Task<QueueClient>>(() => CreateAsync(k.Connection, k.Queue)));
        try
        {
            return await client.Value;
        }
        catch
        {
            // A failed creation must not stick: the next caller tries again.
            _clients.TryRemove(KeyValuePair.Create(key, client));
            throw;
        }
    }

    private static async Task<QueueClient> CreateAsync(string connectionString, string queueName)
    {
        var client = new QueueClient(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        await client.CreateIfNotExistsAsync();
        return client;
    }
}
