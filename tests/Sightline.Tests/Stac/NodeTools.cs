
namespace Sightline.Tests.Stac;

/// <summary>
/// The npm tools of tests/stac-clients (stac-node-validator, stac-js, the Panoramax web viewer), installed once per test
/// run from the committed lock file, and run with the machine's Node.js.
/// </summary>
public static class NodeTools
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>tests/stac-clients, with node_modules installed.</summary>
    public static Task<string> DirectoryAsync() => Installed.Value;

    private static async Task<string> InstallAsync()
    {
        var directory = Path.Combine(Infrastructure.Chromium.RepositoryRoot(), "tests", "stac-clients");
        if (!File.Exists(Path.Combine(directory, "node_modules", ".package-lock.json")))
        {
            var install = await RunAsync(directory, "npm", ["ci", "--no-audit", "--no-fund"], []);
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"npm ci in tests/stac-clients failed:\n{install.Output}");
        }
        return directory;
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string directory, string program, string[] args, Dictionary<string, string> environment) =>
        Infrastructure.ChildProcess.RunAsync(directory, program, args, environment);
}
