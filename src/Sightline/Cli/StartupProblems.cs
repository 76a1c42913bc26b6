using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Sightline.Cli;

/// <summary>
/// The failures an operator meets when starting the server (issue 13), each turned into one clear line for
/// <see cref="CommandContext.Fail"/> and a non-zero exit instead of a stack trace.
/// </summary>
public static class StartupProblems
{
    /// <summary>libvips (every photo goes through it) must load; null when it does.</summary>
    public static string? NativeLibraries()
    {
        try
        {
            if (NetVips.ModuleInitializer.VipsInitialized)
                return null;
            var cause = NetVips.ModuleInitializer.Exception?.GetBaseException().Message ?? "unknown cause";
            return $"the native image library libvips could not be loaded ({OneLine(cause)}); reinstall Sightline for this platform (linux-x64) or install libvips";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            return $"the native image library libvips could not be loaded ({OneLine(e.GetBaseException().Message)}); reinstall Sightline for this platform (linux-x64) or install libvips";
        }
    }

    /// <summary>The data folder cannot be created, opened or written.</summary>
    public static string? DataFolder(Exception error, string dataDirectory) => error switch
    {
        // A database or object store elsewhere (PostgreSQL, S3): its own line names the setting and the address.
        Storage.StorageConfigurationException { AboutDataFolder: false } => OneLine(error.Message),
        UnauthorizedAccessException or IOException or Storage.StorageConfigurationException =>
            $"the data folder {Path.GetFullPath(dataDirectory)} cannot be created or written ({OneLine(error.Message)}); check that it is a folder and that this user may write to it",
        _ => null,
    };

    /// <summary>
    /// A --urls entry that cannot be listened on whatever the machine: not a URL, another scheme, a port out of range.
    /// Checked before the host is built, whose own errors say "Invalid url" or "(Parameter 'port')".
    /// </summary>
    public static string? Urls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                return $"cannot listen on {url}: it is not a URL such as http://127.0.0.1:5080 (separate several with ';')";
            }
            if (!address.IsUnixPipe && address.Scheme is not ("http" or "https"))
                return $"cannot listen on {url}: the scheme must be http or https";
            if (!address.IsUnixPipe && address.Port is < 0 or > 65535)
                return $"cannot listen on {url}: the port must be between 0 and 65535";
        }
        return null;
    }

    /// <summary>The address to listen on is taken, not this machine's, or needs what is not configured.</summary>
    public static string? Listening(Exception error, string urls)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AddressInUseException:
                    return $"cannot listen on {urls}: the address is already in use (another Sightline, or another program, holds the port); stop it or choose --urls";
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable }:
                    return $"cannot listen on {urls}: that address is not one of this machine's; use one of its own addresses, 127.0.0.1 or 0.0.0.0";
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                    return $"cannot listen on {urls}: permission denied (ports below 1024 need privileges); choose a port from 1024 up";
                case SocketException socket:
                    return $"cannot listen on {urls}: {OneLine(socket.Message)}";
                case InvalidOperationException when e.Message.Contains("HTTPS", StringComparison.Ordinal):
                    return $"cannot listen on {urls}: https needs a server certificate and none is configured; " +
                           "listen on http behind a TLS proxy (docs/operations.md) or configure Kestrel:Certificates:Default";
            }
        }
        return error is IOException && error.Message.Contains("bind", StringComparison.OrdinalIgnoreCase)
            ? $"cannot listen on {urls} ({OneLine(error.Message)}); choose another --urls"
            : null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
