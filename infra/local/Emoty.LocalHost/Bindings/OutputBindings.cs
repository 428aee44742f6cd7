using System.Text;
using System.Text.Json;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Bindings;

/// <summary>
/// Performs the writes a function asked for through output bindings. Only queue outputs exist
/// here; the HTTP result is the trigger's business and other types are reported once and ignored.
/// </summary>
internal sealed class OutputBindings(AppSettings settings, QueueClients queues, ILogger logger)
{
    private readonly HashSet<string> _warned = [];

    /// <summary>Writes every queue output of a successful invocation.</summary>
    public async Task WriteAsync(FunctionInfo function, InvocationResponse response, CancellationToken cancellationToken)
    {
        foreach (var binding in function.Outputs)
        {
            if (binding.Is("http"))
            {
                continue;
            }

            if (!binding.Is("queue"))
            {
                WarnOnce(function, binding);
                continue;
            }

            var data = Find(response, binding.Name);
            if (data is null)
            {
                continue;
            }

            var messages = Messages(data);
            if (messages.Count == 0)
            {
                continue;
            }

            var queueName = settings.Resolve(binding.String("queueName") ?? throw new InvalidOperationException(
                $"The queue output '{binding.Name}' of {function.Name} has no queueName."));
            var client = await queues.GetAsync(settings.StorageConnectionString(binding.String("connection")), queueName);
            foreach (var message in messages)
            {
                // Output messages are base64, as the real host writes them, whatever the trigger side reads.
                await client.SendMessageAsync(Convert.ToBase64String(message), cancellationToken);
            }
        }
    }

    /// <summary>The data of one output binding: by name in output_data, or the return value for $return.</summary>
    public static TypedData? Find(InvocationResponse response, string bindingName)
    {
        if (bindingName == "$return")
        {
            return response.ReturnValue;
        }

        foreach (var output in response.OutputData)
        {
            if (output.Name == bindingName)
            {
                return output.Data;
            }
        }

        return null;
    }

    /// <summary>A value becomes one message; an array (JSON or collection) one message per element.</summary>
    internal static IReadOnlyList<byte[]> Messages(TypedData data)
    {
        switch (data.DataCase)
        {
            case TypedData.DataOneofCase.String:
                return [Encoding.UTF8.GetBytes(data.String)];
            case TypedData.DataOneofCase.Bytes:
                return [data.Bytes.ToByteArray()];
            case TypedData.DataOneofCase.Stream:
                return [data.Stream.ToByteArray()];
            case TypedData.DataOneofCase.Int:
                return [Encoding.UTF8.GetBytes(data.Int.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            case TypedData.DataOneofCase.Double:
                return [Encoding.UTF8.GetBytes(data.Double.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            case TypedData.DataOneofCase.CollectionString:
                return data.CollectionString.String.Select(Encoding.UTF8.GetBytes).ToArray();
            case TypedData.DataOneofCase.CollectionBytes:
                return data.CollectionBytes.Bytes.Select(b => b.ToByteArray()).ToArray();
            case TypedData.DataOneofCase.Json:
                using (var document = JsonDocument.Parse(data.Json))
                {
                    var root = document.RootElement;
                    return root.ValueKind == JsonValueKind.Array
                        ? root.EnumerateArray().Select(JsonMessage).ToArray()
                        : [JsonMessage(root)];
                }

            default:
                return [];
        }
    }

    // A JSON string element is the message text itself; anything else stays JSON.
    private static byte[] JsonMessage(JsonElement element) =>
        element.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(element.GetString()!)
            : Encoding.UTF8.GetBytes(element.GetRawText());

    private void WarnOnce(FunctionInfo function, BindingDescription binding)
    {
        lock (_warned)
        {
            if (!_warned.Add(function.Name + "/" + binding.Name))
            {
                return;
            }
        }

        logger.LogWarning("The {BindingType} output '{Binding}' of {Function} is not supported by the local host; its data is dropped",
            binding.Type, binding.Name, function.Name);
    }
}
