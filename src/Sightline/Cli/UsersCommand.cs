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
        var add = new Command("add", "Add a user; the password is read from standard input") { username, email };
        add.SetAction(CommandContext.Action(input, async context =>
        {
            var password = (await context.Input.ReadLineAsync())?.TrimEnd('\r', '\n');
            var users = new UserStore(context.OpenDatabase());
            var user = await users.AddAsync(context.Value(username), context.Value(email), password ?? "");
            return context.Succeed($"added user {user.Username}", new { username = user.Username, user_uuid = user.Uuid });
        }));
        return new Command("users", "Manage user accounts") { add };
    }
}
