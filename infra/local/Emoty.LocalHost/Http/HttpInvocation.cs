using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emoty.LocalHost.Bindings;
using Emoty.LocalHost.Functions;
using Emoty.LocalHost.Rpc;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Emoty.LocalHost.Http;

/// <summary>Translates between an ASP.NET Core request/response and the protocol's RpcHttp.</summary>
internal static partial class HttpInvocation
{
    /// <summary>
    /// The worker reads the query from the absolute URL, headers from nullable_headers and route
    /// values only from trigger_metadata (as strings: one int there and no parameter binds at all).
    /// </summary>
    public static InvocationRequest CreateRequest(HttpContext context, HttpRoute route, RouteValueDictionary values, ByteString body)
    {
        var request = context.Request;
        var http = new RpcHttp
        {
            Method = request.Method,
            Url = request.GetEncodedUrl(),
            Body = new TypedData { Bytes = body },
        };
        var invocation = new InvocationRequest();

        foreach (var (name, value) in request.Headers)
        {
            http.NullableHeaders[name] = new NullableString { Value = value.ToString() };
        }

        // As the platform's front end does: the connection's address goes last, where a client cannot write.
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            var forwarded = request.Headers["X-Forwarded-For"].ToString();
            http.NullableHeaders["X-Forwarded-For"] = new NullableString { Value = forwarded.Length == 0 ? remote.ToString() : $"{forwarded}, {remote}" };
        }

        foreach (var (name, value) in request.Query)
        {
            http.NullableQuery[name] = new NullableString { Value = value.ToString() };
        }

        foreach (var (name, value) in values)
        {
            if (value is null)
            {
                continue;
            }

            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            http.Params[name] = text;
            invocation.TriggerMetadata[name] = new TypedData { String = text };
        }

        invocation.TriggerMetadata["Query"] = new TypedData { Json = ToJson(request.Query) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = ToJson(request.Headers) };
        invocation.InputData.Add(new ParameterBinding { Name = route.TriggerName, Data = new TypedData { Http = http } });
        return invocation;
    }

    /// <summary>The whole body as one ByteString without a second copy; empty bytes when there is none.</summary>
    public static async Task<ByteString> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length == 0)
            {
                return ByteString.Empty;
            }

            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return UnsafeByteOperations.UnsafeWrap(buffer);
        }

        if (!request.Body.CanRead)
        {
            return ByteString.Empty;
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.Length == 0 ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(copy.GetBuffer().AsMemory(0, (int)copy.Length));
    }

    /// <summary>
    /// The HTTP result of an invocation: the http output binding's data (return_value for
    /// $return, output_data by name for a property of a multi-output type), else whatever http data came back.
    /// </summary>
    public static RpcHttp? FindResult(FunctionInfo function, InvocationResponse response)
    {
        foreach (var binding in function.Outputs)
        {
            if (binding.Is("http") && OutputBindings.Find(response, binding.Name)?.Http is { } http)
            {
                return http;
            }
        }

        if (response.ReturnValue?.Http is { } returned)
        {
            return returned;
        }

        return response.OutputData.Select(o => o.Data?.Http).FirstOrDefault(h => h is not null);
    }

    /// <summary>Status, every header (several Set-Cookie values included) and the body bytes, unchanged.</summary>
    public static Task WriteResponseAsync(HttpContext context, RpcHttp? http, CancellationToken cancellationToken)
    {
        var response = context.Response;
        if (http is null)
        {
            // The function produced no HTTP response at all.
            response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        response.StatusCode = int.TryParse(http.StatusCode, out var status) && status is >= 100 and < 600 ? status : StatusCodes.Status200OK;
        foreach (var (name, value) in http.Headers)
        {
            if (name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            response.Headers[name] = name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase)
                ? new StringValues(SplitSetCookie(value))
                : new StringValues(value);
        }

        foreach (var cookie in http.Cookies)
        {
            response.Headers.Append(HeaderNames.SetCookie, FormatCookie(cookie));
        }

        var body = BodyBytes(http.Body);
        if (body.IsEmpty || HttpMethods.IsHead(context.Request.Method) || status is 204 or 304)
        {
            return Task.CompletedTask;
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    private static ReadOnlyMemory<byte> BodyBytes(TypedData? body) => body?.DataCase switch
    {
        TypedData.DataOneofCase.Bytes => body.Bytes.Memory,
        TypedData.DataOneofCase.Stream => body.Stream.Memory,
        TypedData.DataOneofCase.String => Encoding.UTF8.GetBytes(body.String),
        TypedData.DataOneofCase.Json => Encoding.UTF8.GetBytes(body.Json),
        _ => ReadOnlyMemory<byte>.Empty,
    };

    /// <summary>
    /// The worker joins several values of one header with commas, Set-Cookie included. Split only
    /// where a new <c>name=</c> follows, so the comma inside an Expires date stays where it is.
    /// </summary>
    internal static string[] SplitSetCookie(string joined) => NextCookie().Split(joined);

    private static string FormatCookie(RpcHttpCookie cookie)
    {
        var header = new SetCookieHeaderValue(cookie.Name, cookie.Value)
        {
            Domain = cookie.Domain?.StringCase == NullableString.StringOneofCase.Value ? cookie.Domain.Value : null,
            Path = cookie.Path?.StringCase == NullableString.StringOneofCase.Value ? cookie.Path.Value : null,
            Expires = cookie.Expires?.TimestampCase == NullableTimestamp.TimestampOneofCase.Value ? cookie.Expires.Value.ToDateTimeOffset() : null,
            Secure = cookie.Secure?.BoolCase == NullableBool.BoolOneofCase.Value && cookie.Secure.Value,
            HttpOnly = cookie.HttpOnly?.BoolCase == NullableBool.BoolOneofCase.Value && cookie.HttpOnly.Value,
            MaxAge = cookie.MaxAge?.DoubleCase == NullableDouble.DoubleOneofCase.Value ? TimeSpan.FromSeconds(cookie.MaxAge.Value) : null,
            SameSite = cookie.SameSite switch
            {
                RpcHttpCookie.Types.SameSite.Lax => Microsoft.Net.Http.Headers.SameSiteMode.Lax,
                RpcHttpCookie.Types.SameSite.Strict => Microsoft.Net.Http.Headers.SameSiteMode.Strict,
                RpcHttpCookie.Types.SameSite.ExplicitNone => Microsoft.Net.Http.Headers.SameSiteMode.None,
                _ => Microsoft.Net.Http.Headers.SameSiteMode.Unspecified,
            },
        };
        return header.ToString();
    }

    private static string ToJson(IEnumerable<KeyValuePair<string, StringValues>> pairs)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in pairs)
            {
                writer.WriteString(name, value.ToString());
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [GeneratedRegex(@",\s*(?=[^=;,\s]+=)")]
    private static partial Regex NextCookie();
}
