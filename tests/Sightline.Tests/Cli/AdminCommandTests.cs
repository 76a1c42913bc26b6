using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Cli;

/// <summary>The admin commands' names, options and JSON outputs, which scripts and tests depend on.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-cli", Guid.NewGuid().ToString("N"));

    // An installation, as the first 'sightline serve' leaves it: admin commands refuse a folder without one.
    public AdminCommandTests() => Sightline.Storage.StorageServices.Open(data).Dispose();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private Task<(int ExitCode, string Output, string Error)> Run(string stdin, params string[] args) =>
        TestServer.RunCliAsync(stdin, [.. args, "--data", data, "--json"]);

    private static JsonElement LastLine(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public async Task UsersAddReadsThePasswordFromStandardInput()
    {
        var (exit, output, _) = await Run("s3cret-pass\n", "users", "add", "--username", "tovelund", "--email", "t@example.org");
        Assert.Equal(0, exit);
        var json = LastLine(output);
        Assert.Equal("tovelund", json.GetProperty("username").GetString());
        Assert.Equal(22, json.GetProperty("user_uuid").GetString()!.Length);
        var store = new Sightline.Storage.Sqlite.SqliteUserStore(new Sightline.Storage.Sqlite.Database(data));
        Assert.True(await store.VerifyPasswordAsync("tovelund", "s3cret-pass"));
        Assert.False(await store.VerifyPasswordAsync("tovelund", "wrong"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("has space")]
    [InlineData("thirty-three-characters-long-name")]
    [InlineData("émile")]
    public async Task UsersAddRefusesBadUsernames(string username)
    {
        var (exit, output, error) = await Run("pw\n", "users", "add", "--username", username, "--email", "x@example.org");
        Assert.NotEqual(0, exit);
        Assert.Contains("username", error);
        Assert.True(LastLine(output).TryGetProperty("error", out _));
    }

    [Fact]
    public async Task UsersAddRefusesADuplicateUsernameInAnyCase()
    {
        Assert.Equal(0, (await Run("pw\n", "users", "add", "--username", "maria", "--email", "m@example.org")).ExitCode);
        var (exit, _, error) = await Run("pw\n", "users", "add", "--username", "MARIA", "--email", "m2@example.org");
        Assert.NotEqual(0, exit);
        Assert.Contains("taken", error);
    }

    [Fact]
    public async Task ClientsAddPrintsIdAndSecretOnceAndStoresOnlyAHash()
    {
        var (exit, output, _) = await Run("", "clients", "add", "--name", "Viewer", "--redirect-uri", "https://viewer.example.org/cb");
        Assert.Equal(0, exit);
        var json = LastLine(output);
        var clientId = json.GetProperty("client_id").GetString()!;
        var secret = json.GetProperty("client_secret").GetString()!;
        Assert.Equal(22, clientId.Length);
        Assert.True(secret.Length >= 32);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(data, "sightline.db"));
        Assert.DoesNotContain(secret, System.Text.Encoding.Latin1.GetString(bytes));
        var store = new Sightline.Storage.Sqlite.SqliteApplicationStore(new Sightline.Storage.Sqlite.Database(data));
        Assert.True(await store.VerifySecretAsync(clientId, secret));
        Assert.False(await store.VerifySecretAsync(clientId, secret + "x"));
    }

    [Fact]
    public async Task ClientsAddRefusesARelativeRedirectUri()
    {
        var (exit, _, error) = await Run("", "clients", "add", "--name", "Bad", "--redirect-uri", "/relative");
        Assert.NotEqual(0, exit);
        Assert.Contains("redirect", error);
    }

    [Fact]
    public async Task TokensIssueRefusesAnUnknownScopeNamingIt()
    {
        await Run("pw\n", "users", "add", "--username", "scoper", "--email", "s@example.org");
        var client = LastLine((await Run("", "clients", "add", "--name", "A", "--redirect-uri", "https://a.example/cb")).Output)
            .GetProperty("client_id").GetString()!;
        var (exit, _, error) = await Run("", "tokens", "issue", "--user", "scoper", "--client", client, "--scopes", "user:read photos:everything");
        Assert.NotEqual(0, exit);
        Assert.Contains("photos:everything", error);

        var (ok, output, _) = await Run("", "tokens", "issue", "--user", "scoper", "--client", client, "--scopes", "user:read public:upload");
        Assert.Equal(0, ok);
        Assert.True(LastLine(output).GetProperty("token").GetString()!.Length >= 32);
    }

    [Fact]
    public async Task TokensIssueRefusesUnknownUserOrClient()
    {
        var (exit, _, error) = await Run("", "tokens", "issue", "--user", "ghost", "--client", "AAAAAAAAAAAAAAAAAAAAAA", "--scopes", "user:read");
        Assert.NotEqual(0, exit);
        Assert.Contains("ghost", error);
    }

    [Fact]
    public async Task RevokingAnUnknownTokenFails()
    {
        var (exit, _, _) = await Run("", "tokens", "revoke", "no-such-token");
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task DisablingAnUnknownClientFails()
    {
        var (exit, _, error) = await Run("", "clients", "disable", "AAAAAAAAAAAAAAAAAAAAAA");
        Assert.NotEqual(0, exit);
        Assert.Contains("AAAAAAAAAAAAAAAAAAAAAA", error);
    }

    [Theory]
    [InlineData("users", "list")]
    [InlineData("clients", "add", "--name", "X", "--redirect-uri", "https://x.example/cb")]
    [InlineData("tokens", "list", "--user", "maria")]
    [InlineData("projects", "add", "--key", "survey", "--name", "Survey", "--owner", "maria")]
    [InlineData("complaints", "list")]
    [InlineData("images", "select", "AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("bench-index")]
    public async Task AnAdminCommandRefusesAFolderWithoutAnInstallationAndCreatesNothing(params string[] args)
    {
        var typo = data + "-typo";
        var (exit, output, error) = await TestServer.RunCliAsync("pw\n", [.. args, "--data", typo, "--json"]);
        Assert.NotEqual(0, exit);
        Assert.Equal($"error: {Path.GetFullPath(typo)} holds no Sightline database", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.True(LastLine(output).TryGetProperty("error", out _));
        Assert.False(Directory.Exists(typo));
    }

    [Fact]
    public async Task CountsAreSingularForOne()
    {
        var (_, output, _) = await Run("", "complaints", "list");
        Assert.StartsWith("0 complaints", output);
        (_, output, _) = await Run("", "images", "selected");
        Assert.StartsWith("0 images selected", output);
        Assert.Equal("1 photo", CommandContextCounted(1));
        Assert.Equal("2 photos", CommandContextCounted(2));
    }

    private static string CommandContextCounted(long count) => Sightline.Cli.CommandContext.Counted(count, "photo");

    [Fact]
    public async Task JsonErrorsKeepApostrophesReadable()
    {
        var (exit, output, _) = await Run("", "users", "show", "nobody");
        Assert.NotEqual(0, exit);
        var line = output.TrimEnd().Split('\n')[^1];
        Assert.Contains("'nobody'", line);
        Assert.DoesNotContain("\\u0027", line);
    }
}
