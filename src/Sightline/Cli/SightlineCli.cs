using System.CommandLine;

namespace Sightline.Cli;

/// <summary>The <c>sightline</c> command line: the server and its admin commands.</summary>
public static class SightlineCli
{
    public static RootCommand Create(TextReader input)
    {
        var root = new RootCommand("Sightline: a self-hostable street-level imagery server speaking the Mapillary API v2")
        {
            CommandContext.DataOption,
            CommandContext.JsonOption,
            ServeCommand.Create(input),
            UsersCommand.Create(input),
            ClientsCommand.Create(input),
            TokensCommand.Create(input),
            ProjectsCommand.Create(input),
            ComplaintsCommand.Create(input),
            ImagesCommand.Create(input),
            ImportCommand.Create(input),
            BenchDataCommand.Create(input),
            BenchIndexCommand.Create(input),
            MigrateStorageCommand.Create(input),
        };
        foreach (var command in BackupCommand.Create(input))
            root.Subcommands.Add(command);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var parse = Create(input).Parse(args);
        if (ParseErrors.Any(parse))
            return ParseErrors.Report(parse, output, error);
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // The web host's own lifetime handles SIGTERM and Ctrl-C with a graceful shutdown.
            ProcessTerminationTimeout = null,
        });
    }
}
