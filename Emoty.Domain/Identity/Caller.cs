using System.Security.Cryptography;
using System.Text;

namespace Emoty.Domain.Identity;

public sealed record Caller(Guid? UserId, string? Email = null, string? Name = null)
{
    public static readonly Caller Anonymous = new((Guid?)null);

    public bool IsAuthenticated => UserId.HasValue;

    /// <summary>For analytics: a hash of the client address, never the address.</summary>
    public string? Visitor { get; init; }

    public string Viewer => UserId is { } id ? $"u:{id:N}" : $"a:{Visitor ?? "unknown"}";

    public Guid RequireUserId() =>
        UserId ?? throw new Errors.EmotyException(Errors.ProblemCode.Unauthorized, "Sign in to do this.");

    /// <summary>A port after the address (203.0.113.7:51234, [2001:db8::1]:443) is not part of it.</summary>
    public static Caller AnonymousFrom(string? clientAddress)
    {
        var address = clientAddress?.Trim() ?? "";
        if (address.StartsWith('[') && address.IndexOf(']') is > 0 and var end)
        {
            address = address[1..end];
        }
        else if (address.Count(c => c == ':') == 1)
        {
            address = address[..address.IndexOf(':')];
        }

        return address.Length == 0
            ? Anonymous
            : Anonymous with { Visitor = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..32] };
    }
}
