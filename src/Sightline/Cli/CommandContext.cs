using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sightline.Storage;

namespace Sightline.Cli;

/// <summary>
/// What an admin command shares: the data folder, the <c>--json</c> switch and the streams,
/// and the rule that failures are a message, a non-zero exit and, with --json, an error object.
/// </summary>
public sealed class CommandContext(ParseResult parse, TextReader input, bool createsInstallation = false)
{
    public static readonly Option<string> DataOption = new("--data")
    {
        Description = "Data folder (database and files)",
        DefaultValueFactory = _ => "./data",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print one JSON object on the last line",
        Recursive = true,
    };

    /// <summary>JSON for a terminal or a script: "'" stays "'", not \u0027 (nothing here is embedded in HTML).</summary>
    public static readonly JsonSerializerOptions JsonForPeople = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public TextReader Input { get; } = input;
    public TextWriter Output => parse.InvocationConfiguration.Output;
    public TextWriter Error => parse.InvocationConfiguration.Error;
    public bool Json => parse.GetValue(JsonOption);
    public string DataDirectory => parse.GetValue(DataOption)!;

    public T Value<T>(Option<T> option) => parse.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => parse.GetValue(argument)!;

    private ServiceProvider? storage;

    /// <summary>
    /// A store (or any storage service) of the backends the configuration names (<c>Storage__Database</c> and the like,
    /// over the data folder), with the schema up to date.
    /// </summary>
    public T Store<T>() where T : notnull =>
        (storage ??= OpenStorage()).GetRequiredService<T>();

    // Only serve (and bench-data) make a new installation: an admin command on a mistyped --data would otherwise
    // create an empty one and report on, or add to, it.
    private ServiceProvider OpenStorage()
    {
        var embedded = string.IsNullOrWhiteSpace(StorageServices.Configuration()["Storage:Database"]);
        if (embedded && !createsInstallation && DataFolderBackup.MissingInstallation(DataDirectory) is { } missing)
            throw new StorageConfigurationException(missing, aboutDataFolder: true);
        return StorageServices.Open(DataDirectory);
    }

    /// <summary>"1 photo", "2 photos": a count for a human line (the nouns here take an s).</summary>
    public static string Counted(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Prints the human line, and with --json the result object on the last line.</summary>
    public int Succeed(string human, object result)
    {
        Output.WriteLine(human);
        if (Json)
            Output.WriteLine(JsonSerializer.Serialize(result, Contract.ContractJson.Options));
        return 0;
    }

    public int Fail(string message)
    {
        Error.WriteLine($"error: {message}");
        if (Json)
            Output.WriteLine(JsonSerializer.Serialize(new { error = message }, JsonForPeople));
        return 1;
    }

    /// <summary>Runs an admin action, turning the domain's ArgumentException into a clean failure.</summary>
    /// <param name="createsInstallation">The command may start a new installation in an empty --data folder.</param>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(
        TextReader input, Func<CommandContext, Task<int>> body, bool createsInstallation = false) =>
        async (parse, _) =>
        {
            var context = new CommandContext(parse, input, createsInstallation);
            try
            {
                return await body(context);
            }
            catch (ArgumentException e)
            {
                return context.Fail(e.Message);
            }
            catch (StorageConfigurationException e)
            {
                // A backend that is down or misconfigured: one line naming the setting, never a stack trace.
                return context.Fail(e.Message);
            }
            finally
            {
                if (context.storage is not null)
                    await context.storage.DisposeAsync();
            }
        };
}
