using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Cli;

/// <summary>Bad arguments are one line on stderr, naming the mistake and the command's --help, and a non-zero exit.</summary>
public sealed class ParseErrorTests
{
    [Theory]
    [InlineData("--token is required (see 'sightline import --help')",
        "import", ".", "--server", "http://127.0.0.1:9", "--client-id", "ID")]
    [InlineData("--jobs must be a whole number (see 'sightline import --help')",
        "import", ".", "--server", "http://127.0.0.1:9", "--client-id", "ID", "--token", "T", "--jobs", "abc")]
    [InlineData("--jobs must be a whole number from 1 up (see 'sightline import --help')",
        "import", ".", "--server", "http://127.0.0.1:9", "--client-id", "ID", "--token", "T", "--jobs", "0")]
    [InlineData("--jobs must be a whole number from 1 up (see 'sightline import --help')",
        "import", ".", "--server", "http://127.0.0.1:9", "--client-id", "ID", "--token", "T", "--jobs", "-1")]
    [InlineData("'--bogus' is not an option or command of 'sightline users list' (see 'sightline users list --help')",
        "users", "list", "--bogus")]
    [InlineData("'frobnicate' is not an option or command of 'sightline' (see 'sightline --help')",
        "frobnicate")]
    public async Task ABadArgumentIsOneLineWithoutTheHelpPage(string expected, params string[] args)
    {
        var (exit, output, error) = await TestServer.RunCliAsync("", args);
        Assert.NotEqual(0, exit);
        Assert.Equal($"error: {expected}", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd());
        Assert.Equal("", output); // no help page
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public async Task AGroupWithoutItsCommandNamesTheCommands()
    {
        var (exit, _, error) = await TestServer.RunCliAsync("", "users");
        Assert.NotEqual(0, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: 'sightline users' needs a command: ", line);
        Assert.Contains("list", line);
    }

    [Fact]
    public async Task HelpStillPrintsTheHelpPageEvenWithARequiredOptionMissing()
    {
        var (exit, output, error) = await TestServer.RunCliAsync("", "import", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--token", output);
        Assert.Equal("", error);
    }
}
