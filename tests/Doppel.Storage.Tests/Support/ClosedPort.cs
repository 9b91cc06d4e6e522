using System.Net;
using System.Net.Sockets;

namespace Doppel.Storage.Tests.Support;

/// <summary>A loopback TCP port nothing listens on (it was free a moment ago).</summary>
internal static class ClosedPort
{
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
