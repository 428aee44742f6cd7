using System.Net;
using System.Net.Sockets;

namespace Emoty.Testing;

public static class FreePorts
{
    /// <summary>A loopback port nothing listens on right now: for a service of a test's own, or for one that must be unreachable.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
