using System.CommandLine;
using Sightline.Users;

namespace Sightline.Cli;

/// <summary><c>sightline users list|show|disable|enable|delete|set-password</c> (issue 13).</summary>
public static class UsersAdminCommands
{
    public static IEnumerable<Command> Create(TextReader input)
    {
        var list = new Command("list", "List every account");
        list.SetAction(CommandContext.Action(input, async context =>
        {
            var users = await context.Store<IUserStore>().ListAsync();
            foreach (var user in users)
                context.Output.WriteLine($"{user.Username}\t{user.Email}\t{(user.DisabledAt is null ? "enabled" : "disabled")}{(user.IsAdmin ? "\tadmin" : "")}");
            return context.Succeed($"{users.Count} users", new { users = users.Select(Describe).ToList() });
        }));
        yield return list;

        var showName = UsernameArgument();
        var show = new Command("show", "Show one account") { showName };
        show.SetAction(CommandContext.Action(input, async context =>
        {
            var user = await context.Store<IUserStore>().FindByUsernameAsync(context.Value(showName));
            if (user is null)
                return context.Fail($"no user named '{context.Value(showName)}'");
            return context.Succeed(
                $"{user.Username} <{user.Email}> uuid {user.Uuid}, created {DateTimeOffset.FromUnixTimeMilliseconds(user.CreatedAt):u}" +
                $"{(user.IsAdmin ? ", administrator" : "")}{(user.DisabledAt is null ? "" : ", disabled")}",
                Describe(user));
        }));
        yield return show;

        yield return Toggle(input, "disable", "Disable an account: it cannot sign in, and its sign-in sessions and tokens stop working at once", disabled: true);
        yield return Toggle(input, "enable", "Enable a disabled account again (its unrevoked tokens work again)", disabled: false);

        var deleteName = UsernameArgument();
        var confirm = new Option<bool>("--delete-photos") { Description = "Confirm: the account's photos are deleted with it, for good" };
        var delete = new Command("delete", "Delete an account and its photos; its comments stay, shown as written by \"deleted user\"") { deleteName, confirm };
        delete.SetAction(CommandContext.Action(input, async context =>
        {
            var store = context.Store<IUserStore>();
            var user = await store.FindByUsernameAsync(context.Value(deleteName));
            if (user is null)
                return context.Fail($"no user named '{context.Value(deleteName)}'");
            var uploads = context.Store<Uploads.IUploadStore>();
            var blobs = context.Store<Storage.IBlobStore>();
            var deletion = new Me.AccountDeletion(store, uploads, new Images.ImageFiles(blobs, uploads), blobs);
            // Confirmation is asked only when there is something to lose, and says how much (counted as the account would be
            // erased, so a photo uploaded meanwhile counts).
            var outcome = await deletion.DeleteAsync(user, withPhotos: context.Value(confirm));
            if (!outcome.Deleted)
                return context.Fail($"deleting {user.Username} also deletes their {CommandContext.Counted(outcome.Photos, "photo")} for good: repeat with --delete-photos to confirm");
            return context.Succeed($"deleted user {user.Username} and {CommandContext.Counted(outcome.Photos, "photo")}", new { username = user.Username, deleted = true, photos = outcome.Photos });
        }));
        yield return delete;

        var passwordName = UsernameArgument();
        var setPassword = new Command("set-password", "Replace an account's password (its sign-in sessions end); the new one is read from standard input") { passwordName };
        setPassword.SetAction(CommandContext.Action(input, async context =>
        {
            var password = (await context.Input.ReadLineAsync())?.TrimEnd('\r', '\n');
            if (!await context.Store<IUserStore>().SetPasswordAsync(context.Value(passwordName), password ?? ""))
                return context.Fail($"no user named '{context.Value(passwordName)}'");
            return context.Succeed($"set the password of {context.Value(passwordName)}", new { username = context.Value(passwordName) });
        }));
        yield return setPassword;
    }

    private static Command Toggle(TextReader input, string name, string description, bool disabled)
    {
        var username = UsernameArgument();
        var command = new Command(name, description) { username };
        command.SetAction(CommandContext.Action(input, async context =>
        {
            var users = context.Store<IUserStore>();
            if (await users.FindByUsernameAsync(context.Value(username)) is not { } user || !await users.SetDisabledAsync(user.Id, disabled))
                return context.Fail($"no user named '{context.Value(username)}'");
            return context.Succeed($"{name}d user {context.Value(username)}", new { username = context.Value(username), disabled });
        }));
        return command;
    }

    private static Argument<string> UsernameArgument() => new("USERNAME") { Description = "The account's username" };

    private static object Describe(User user) => new
    {
        username = user.Username,
        user_uuid = user.Uuid,
        email = user.Email,
        admin = user.IsAdmin,
        disabled = user.DisabledAt is not null,
        created_at = DateTimeOffset.FromUnixTimeMilliseconds(user.CreatedAt),
    };
}
