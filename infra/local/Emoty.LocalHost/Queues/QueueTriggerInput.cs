using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Rpc;
using Google.Protobuf;

namespace Emoty.LocalHost.Queues;

/// <summary>Turns a received queue message into the invocation the worker expects.</summary>
internal static class QueueTriggerInput
{
    /// <summary>The message text: base64-decoded unless host.json says messageEncoding none; null when that fails.</summary>
    public static string? Decode(QueueMessage message, bool base64)
    {
        var raw = message.MessageText ?? "";
        if (!base64)
        {
            return raw;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, raw.Length));
        try
        {
            return Convert.TryFromBase64String(raw, buffer, out var length) ? Encoding.UTF8.GetString(buffer, 0, length) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static InvocationRequest Create(BindingDescription trigger, QueueMessage message, string text)
    {
        var request = new InvocationRequest();
        // SDK types (QueueMessage, BinaryData) are built by the worker from model binding data;
        // its source generator marks such parameters with supportsDeferredBinding.
        var data = trigger.Property("supportsDeferredBinding")
            ? new TypedData { ModelBindingData = ModelBindingData(message, text) }
            : new TypedData { String = text };
        request.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = data });

        var metadata = request.TriggerMetadata;
        metadata["QueueTrigger"] = new TypedData { String = text };
        metadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        metadata["Id"] = new TypedData { String = message.MessageId };
        metadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        metadata["ExpirationTime"] = JsonDate(message.ExpiresOn);
        metadata["InsertionTime"] = JsonDate(message.InsertedOn);
        metadata["NextVisibleTime"] = JsonDate(message.NextVisibleOn);
        return request;
    }

    private static TypedData JsonDate(DateTimeOffset? value) =>
        new() { Json = value is { } date ? JsonSerializer.Serialize(date) : "null" };

    private static ModelBindingData ModelBindingData(QueueMessage message, string text)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + text.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("MessageId", message.MessageId);
            writer.WriteString("PopReceipt", message.PopReceipt);
            writer.WriteString("MessageText", text);
            writer.WriteNumber("DequeueCount", message.DequeueCount);
            WriteDate(writer, "NextVisibleOn", message.NextVisibleOn);
            WriteDate(writer, "InsertedOn", message.InsertedOn);
            WriteDate(writer, "ExpiresOn", message.ExpiresOn);
            writer.WriteEndObject();
        }

        return new ModelBindingData
        {
            Version = "1.0",
            Source = "AzureStorageQueues",
            ContentType = "application/json",
            Content = ByteString.CopyFrom(buffer.WrittenSpan),
        };
    }

    private static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            writer.WriteString(name, date);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
