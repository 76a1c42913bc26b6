using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// The OAuth server against a standard client library that nobody here wrote: oauth4webapi from npm,
/// run with the machine's Node.js (tests/oauth-client/code-flow.mjs).
/// </summary>
public sealed class StandardClientTests : OAuthTestBase
{
    [Fact]
    public async Task Oauth4webapiCompletesTheCodeFlowWithPkceAndCallsTheApi()
    {
        var other = await AddClientAsync("Other App");
        var directory = ClientDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            var install = await RunAsync(directory, "npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>());
            Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install.Output}");
        }

        var run = await RunAsync(directory, "node", ["code-flow.mjs"], new Dictionary<string, string>
        {
            ["SIGHTLINE_URL"] = Server.BaseAddress.AbsoluteUri,
            ["SIGHTLINE_CLIENT_ID"] = Confidential.ClientId,
            ["SIGHTLINE_CLIENT_SECRET"] = Confidential.Secret!,
            ["SIGHTLINE_OTHER_CLIENT_ID"] = other.ClientId,
            ["SIGHTLINE_REDIRECT_URI"] = Confidential.RedirectUri,
            ["SIGHTLINE_USERNAME"] = Username,
            ["SIGHTLINE_PASSWORD"] = Password,
        });
        Assert.True(run.ExitCode == 0, $"the oauth4webapi client failed:\n{run.Output}");
        Assert.Contains("\"step\":\"api\",\"status\":200", run.Output);
        Assert.Contains("\"code\":\"client_id_differ\"", run.Output);
        Assert.Contains("OAUTH E2E OK", run.Output);
    }

    private static string ClientDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "oauth-client");
            if (File.Exists(Path.Combine(candidate, "package.json")))
                return candidate;
        }
        throw new InvalidOperationException("tests/oauth-client not found above " + AppContext.BaseDirectory);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string directory, string program, string[] args, Dictionary<string, string> environment) =>
        ChildProcess.RunAsync(directory, program, args, environment);
}
