
namespace Sightline.Tests.OpenApi;

/// <summary>
/// The served /openapi/v2.json and /openapi/stac.json through Redocly's linter (@redocly/cli, pinned in tests/openapi-lint)
/// with its recommended rules: no errors.
/// </summary>
public sealed class OpenApiLintTests(OpenApiDocumentServer fixture) : IClassFixture<OpenApiDocumentServer>
{
    [Theory]
    [InlineData("v2")]
    [InlineData("stac")]
    public async Task RedoclyRecommendedRulesFindNoErrors(string name)
    {
        var directory = LintDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            var install = await RunAsync(directory, "npm", ["ci", "--no-audit", "--no-fund"]);
            Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install.Output}");
        }
        var file = Path.Combine(Path.GetTempPath(), $"sightline-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, name == "v2" ? fixture.DocumentText : await fixture.Server.Http.GetStringAsync($"/openapi/{name}.json"));
        try
        {
            var lint = await RunAsync(directory, "node", ["node_modules/@redocly/cli/bin/cli.js", "lint", "--extends=recommended", "--format=summary", file]);
            Assert.True(lint.ExitCode == 0, $"redocly lint failed:\n{lint.Output}");
            Assert.DoesNotContain("error ", lint.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string LintDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "openapi-lint");
            if (File.Exists(Path.Combine(candidate, "package.json")))
                return candidate;
        }
        throw new InvalidOperationException("tests/openapi-lint not found above " + AppContext.BaseDirectory);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string directory, string program, string[] args) =>
        Infrastructure.ChildProcess.RunAsync(directory, program, args,
            new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });
}
