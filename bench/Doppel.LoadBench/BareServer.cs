using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Doppel.LoadBench;

/// <summary>
/// The baseline: one minimal endpoint returning a fixed 1 KiB JSON, on the same Kestrel and TLS setup as Doppel
/// (127.0.0.1, HTTP/1.1 and HTTP/2, Doppel's own server certificate, no Server header), with no logging, no
/// authentication and no store. Runs as a child process of the benchmark (<c>serve-bare</c>), like Doppel.
/// </summary>
internal static class BareServer
{
    public const string Path = "/bare";

    /// <summary>Exactly 1,024 bytes of JSON.</summary>
    public static byte[] Payload { get; } = MakePayload();

    public static async Task<int> RunAsync(string[] args)
    {
        var port = int.Parse(args[Array.IndexOf(args, "--port") + 1], System.Globalization.CultureInfo.InvariantCulture);
        var certificatePath = args[Array.IndexOf(args, "--cert") + 1];
        var keyPath = args[Array.IndexOf(args, "--key") + 1];
        // Loaded as Doppel loads its generated certificate.
        using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https => https.ServerCertificate = certificate);
            });
        });
        var app = builder.Build();
        app.MapGet(Path, () => Results.Bytes(Payload, "application/json"));
        app.MapGet("/readyz", () => Results.Text("""{"status":"ready"}""", "application/json"));
        await app.RunAsync();
        return 0;
    }

    private static byte[] MakePayload()
    {
        var json = new StringBuilder("""{"kind":"bare","items":[""");
        for (var i = 0; json.Length < 960; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $$"""{"n":{{i}},"v":"abcdefgh"}""");
        }

        json.Append("],\"pad\":\"");
        var padding = 1024 - json.Length - 2;
        json.Append('x', padding).Append("\"}");
        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        return bytes.Length == 1024 ? bytes : throw new InvalidOperationException($"payload is {bytes.Length} bytes");
    }
}
