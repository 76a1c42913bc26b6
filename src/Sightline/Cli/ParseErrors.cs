using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;

namespace Sightline.Cli;

/// <summary>
/// Bad arguments (a missing or unknown option, a value of the wrong type) as one line on stderr and exit code 1, in
/// place of System.CommandLine's default: its messages, .NET type names included, followed by the whole help page.
/// </summary>
public static class ParseErrors
{
    /// <summary>True when System.CommandLine would report errors (a --help or --version present clears them).</summary>
    public static bool Any(ParseResult parse) => parse.Errors.Count > 0 && parse.Action is ParseErrorAction;

    public static int Report(ParseResult parse, TextWriter output, TextWriter error)
    {
        var message = $"{Describe(parse)} (see '{CommandPath(parse.CommandResult)} --help')";
        error.WriteLine($"error: {message}");
        if (parse.Tokens.Any(token => token.Value == CommandContext.JsonOption.Name))
            output.WriteLine(JsonSerializer.Serialize(new { error = message }, CommandContext.JsonForPeople));
        return 1;
    }

    private static string Describe(ParseResult parse)
    {
        // An unknown word first: it is the mistake, and "a command is required" that may come with it only follows from it.
        if (parse.UnmatchedTokens.Count > 0)
            return $"'{parse.UnmatchedTokens[0]}' is not an option or command of '{CommandPath(parse.CommandResult)}'";
        foreach (var problem in parse.Errors)
        {
            var option = problem.SymbolResult switch
            {
                OptionResult result => result,
                ArgumentResult { Parent: OptionResult result } => result,
                _ => null,
            };
            if (option is not null && Kind(option.Option.ValueType) is { } kind
                && option.Tokens.Any(token => !double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || (kind == WholeNumber && value != Math.Floor(value))))
                return $"{option.Option.Name} must be {kind}";
        }
        // "Option '--token' is required" reads better as the option's name first.
        foreach (var option in parse.CommandResult.Command.Options.Concat(RecursiveOptions(parse.CommandResult)))
        {
            if (option.Required && parse.GetResult(option) is not OptionResult { IdentifierToken: not null })
                return $"{option.Name} is required";
        }
        var command = parse.CommandResult.Command;
        if (command.Action is null && command.Subcommands.Count > 0)
            return $"'{CommandPath(parse.CommandResult)}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        var first = parse.Errors[0].Message.TrimEnd('.');
        return first.Length > 0 ? char.ToLowerInvariant(first[0]) + first[1..] : "the arguments are not valid";
    }

    private const string WholeNumber = "a whole number";

    private static string? Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
            return WholeNumber;
        return type == typeof(double) || type == typeof(decimal) ? "a number" : null;
    }

    private static IEnumerable<Option> RecursiveOptions(CommandResult command)
    {
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
                yield return option;
        }
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult current; result = current.Parent)
            names.Insert(0, current.Command is RootCommand ? "sightline" : current.Command.Name);
        return string.Join(' ', names);
    }
}
