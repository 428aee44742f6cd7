using Emoty.Domain.Errors;

namespace Emoty.Domain.Patterns;

/// <summary>Collects path → messages in the order found, for one <see cref="ProblemCode.ValidationFailed"/>.</summary>
internal sealed class ValidationErrors
{
    // A body of 4096 bad cells would otherwise produce a problem document bigger than the request.
    internal const int MaxPaths = 200;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private bool _truncated;

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    /// <summary>Every message ever added, those past <see cref="MaxPaths"/> too: a part of a body is valid when this did not grow while reading it.</summary>
    public int Reported { get; private set; }

    public bool Has(string path) => _errors.ContainsKey(path);

    public void Add(string path, string message)
    {
        Reported++;
        if (_errors.TryGetValue(path, out var messages))
        {
            if (!messages.Contains(message))
            {
                messages.Add(message);
            }
        }
        else if (_errors.Count < MaxPaths)
        {
            _errors.Add(path, [message]);
        }
        else
        {
            _truncated = true;
        }
    }

    public void RemoveAtOrBelow(string path)
    {
        foreach (var key in _errors.Keys.Where(k => k.StartsWith(path, StringComparison.Ordinal)
                     && (k.Length == path.Length || k[path.Length] is '.' or '[')).ToList())
        {
            _errors.Remove(key);
        }
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny(string detail)
    {
        if (Any)
        {
            var text = _truncated ? $"{detail} Only the first {MaxPaths} problems are listed." : detail;
            throw new EmotyException(ProblemCode.ValidationFailed, text, ToDictionary());
        }
    }
}
