using System.Reflection;

namespace Sightline.Status;

/// <summary>The version of this build, from the assembly's informational version.</summary>
public static class ServerVersion
{
    public static readonly string Current =
        typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
