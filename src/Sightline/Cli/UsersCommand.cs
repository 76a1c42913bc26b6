using System.CommandLine;
using Sightline.Users;

namespace Sightline.Cli;

/// <summary><c>sightline users add</c>.</summary>
public static class UsersCommand
{
    public static Command Create(TextReader input)
    {
        var username = new Option<string>("--username") { Description = Usernames.Rule, Required = true };
        var email = new Option<string>("--email") { Description = "Email address", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator (may be granted mapillary:admin)" };
        var add = new Command("add", "Add a user; the password is read from standard input") { username, email, admin };
        add.SetAction(CommandContext.Action(input, async context =>
        {
            var password = ReferenceEquals(context.Input, Console.In) && !Console.IsInputRedirected
                ? ReadHidden("Password for the new user: ")
                : (await context.Input.ReadLineAsync())?.TrimEnd('\r', '\n');
            var users = context.Store<IUserStore>();
            var user = await users.AddAsync(context.Value(username), context.Value(email), password ?? "", context.Value(admin));
            return context.Succeed($"added user {user.Username}", new { username = user.Username, user_uuid = user.Uuid, admin = user.IsAdmin });
        }));
        var users = new Command("users", "Manage user accounts") { add };
        foreach (var command in UsersAdminCommands.Create(input))
            users.Subcommands.Add(command);
        return users;
    }

    // At a terminal, the password is asked for and not shown as it is typed.
    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var password = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                    password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return password.ToString();
    }
}
