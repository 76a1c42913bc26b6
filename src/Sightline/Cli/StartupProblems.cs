using Microsoft.AspNetCore.Connections;

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

    /// <summary>The address to listen on is taken or not valid.</summary>
    public static string? Listening(Exception error, string urls)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException)
                return $"cannot listen on {urls}: the address is already in use (another Sightline, or another program, holds the port); stop it or choose --urls";
        }
        return error is IOException && error.Message.Contains("bind", StringComparison.OrdinalIgnoreCase)
            ? $"cannot listen on {urls} ({OneLine(error.Message)}); choose another --urls"
            : null;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
