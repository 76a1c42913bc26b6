using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Sightline.WebApp;

/// <summary>
/// The web app's built files (web/dist, embedded into the assembly by the build): the bundle with hashed names and the
/// index page template. Each file is held once in memory, with a gzip copy for browsers that accept it.
/// </summary>
public sealed class WebAppAssets
{
    /// <summary>Embedded resource names start with this; the rest is the file's path under web/dist.</summary>
    public const string ResourcePrefix = "Sightline.WebApp/";

    private readonly FrozenDictionary<string, Asset> files;

    public WebAppAssets(Microsoft.Extensions.Options.IOptions<WebAppOptions> options)
    {
        var found = new Dictionary<string, Asset>(StringComparer.Ordinal);
        if (options.Value.Directory is { Length: > 0 } directory)
        {
            // Working on the app: `node build.mjs` in web/ and a restart show the change without rebuilding the server.
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                found[Path.GetRelativePath(directory, path).Replace('\\', '/')] = Load(path, File.ReadAllBytes(path));
        }
        else
        {
            var assembly = typeof(WebAppAssets).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                found[name[ResourcePrefix.Length..]] = Load(name, copy.ToArray());
            }
        }
        files = found.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>False when the assembly was built without the bundle (no Node.js at build time): the pages say so.</summary>
    public bool IsBuilt => files.ContainsKey("index.html");

    /// <summary>The index page template, with the placeholder the server fills with the page's settings.</summary>
    public string IndexTemplate => IsBuilt ? System.Text.Encoding.UTF8.GetString(files["index.html"].Bytes) : "";

    /// <summary>A file under <c>/assets/</c>; null when there is none of that name.</summary>
    public Asset? Find(string name) => name.Length > 0 && files.TryGetValue("assets/" + name, out var asset) ? asset : null;

    /// <summary>Every file under <c>/assets/</c> (for the bench and the tests).</summary>
    public IEnumerable<string> AssetNames => files.Keys.Where(k => k.StartsWith("assets/", StringComparison.Ordinal)).Select(k => k[7..]);

    private static Asset Load(string name, byte[] bytes)
    {
        var type = ContentType(name);
        // Text compresses well; images and fonts are compressed already.
        byte[]? gzip = null;
        if (type.StartsWith("text/", StringComparison.Ordinal) || type.Contains("javascript") || type.Contains("json") || type.Contains("svg"))
        {
            using var packed = new MemoryStream();
            using (var gz = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
                gz.Write(bytes);
            gzip = packed.ToArray();
        }
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..20] + "\"";
        return new Asset(bytes, gzip, type, etag);
    }

    private static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".woff2" => "font/woff2",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    /// <summary>One built file: its bytes, a gzip copy when worth it, its media type and a strong ETag.</summary>
    public sealed record Asset(byte[] Bytes, byte[]? Gzip, string ContentType, string ETag);
}
