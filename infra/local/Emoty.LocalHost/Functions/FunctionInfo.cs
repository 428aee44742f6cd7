using System.Text.Json.Nodes;
using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Functions;

/// <summary>One function as the worker described it, with its bindings parsed from raw_bindings.</summary>
internal sealed class FunctionInfo
{
    private FunctionInfo(RpcFunctionMetadata metadata, IReadOnlyList<BindingDescription> bindings)
    {
        Metadata = metadata;
        Bindings = bindings;
        Trigger = bindings.FirstOrDefault(b => b.IsTrigger);
        Outputs = bindings.Where(b => b.Direction != BindingInfo.Types.Direction.In).ToArray();
        HasStoredOutputs = Outputs.Any(b => !b.Is("http"));
    }

    public string Name => Metadata.Name;

    /// <summary>The metadata as received, with the bindings map the worker needs at load time.</summary>
    public RpcFunctionMetadata Metadata { get; }

    public IReadOnlyList<BindingDescription> Bindings { get; }

    public BindingDescription? Trigger { get; }

    public IReadOnlyList<BindingDescription> Outputs { get; }

    /// <summary>Whether an invocation leaves anything for the host to write (queue messages, ...).</summary>
    public bool HasStoredOutputs { get; }

    public static FunctionInfo From(RpcFunctionMetadata received)
    {
        var bindings = received.RawBindings.Select(BindingDescription.Parse).ToArray();
        var metadata = received.Clone();
        // Worker indexing leaves the bindings map empty; the worker's own load step (output
        // bindings in particular) reads it, so build it from raw_bindings as the real host does.
        if (metadata.Bindings.Count == 0)
        {
            foreach (var binding in bindings)
            {
                metadata.Bindings[binding.Name] = binding.ToBindingInfo();
            }
        }

        return new FunctionInfo(metadata, bindings);
    }
}

/// <summary>One entry of raw_bindings, e.g. <c>{"name":"req","type":"httpTrigger","direction":"In",...}</c>.</summary>
internal sealed record BindingDescription(string Name, string Type, BindingInfo.Types.Direction Direction, JsonObject Raw)
{
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public bool Is(string type) => string.Equals(Type, type, StringComparison.OrdinalIgnoreCase);

    public string? String(string property) => Find(property) is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public bool Bool(string property) => Find(property) switch
    {
        JsonValue value when value.TryGetValue<bool>(out var b) => b,
        JsonValue value when value.TryGetValue<string>(out var s) => bool.TryParse(s, out var b) && b,
        _ => false,
    };

    public IReadOnlyList<string> Strings(string property) =>
        Find(property) is JsonArray array
            ? array.Select(item => item?.GetValue<string>()).OfType<string>().ToArray()
            : [];

    /// <summary>A flag in the binding's <c>properties</c> bag (e.g. supportsDeferredBinding).</summary>
    public bool Property(string name) =>
        Find("properties") is JsonObject properties
        && properties.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
        && value.TryGetValue<string>(out var text) && bool.TryParse(text, out var flag) && flag;

    public BindingInfo ToBindingInfo()
    {
        var info = new BindingInfo { Type = Type, Direction = Direction };
        if (String("dataType") is { } dataType && Enum.TryParse<BindingInfo.Types.DataType>(dataType, ignoreCase: true, out var parsed))
        {
            info.DataType = parsed;
        }

        return info;
    }

    public static BindingDescription Parse(string json)
    {
        var raw = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"A binding is not a JSON object: {json}");
        var binding = new BindingDescription("", "", BindingInfo.Types.Direction.In, raw);
        var direction = binding.String("direction") switch
        {
            { } d when d.Equals("out", StringComparison.OrdinalIgnoreCase) => BindingInfo.Types.Direction.Out,
            { } d when d.Equals("inout", StringComparison.OrdinalIgnoreCase) => BindingInfo.Types.Direction.Inout,
            _ => BindingInfo.Types.Direction.In,
        };
        return binding with
        {
            Name = binding.String("name") ?? throw new FormatException($"A binding has no name: {json}"),
            Type = binding.String("type") ?? throw new FormatException($"A binding has no type: {json}"),
            Direction = direction,
        };
    }

    private JsonNode? Find(string property) =>
        Raw.FirstOrDefault(p => string.Equals(p.Key, property, StringComparison.OrdinalIgnoreCase)).Value;
}
