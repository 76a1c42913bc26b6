using System.CommandLine;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Tokens;
using Sightline.Users;

namespace Sightline.Cli;

/// <summary><c>sightline tokens issue|revoke</c>: user tokens without the browser flow.</summary>
public static class TokensCommand
{
    public static Command Create(TextReader input)
    {
        var user = new Option<string>("--user") { Description = "Username of the token's owner", Required = true };
        var client = new Option<string>("--client") { Description = "client_id of the application the token is bound to", Required = true };
        var scopes = new Option<string>("--scopes") { Description = "Space-separated scopes, e.g. \"user:read public:upload\"", Required = true };
        var issue = new Command("issue", "Issue a token for a user and an application; prints it once") { user, client, scopes };
        issue.SetAction(CommandContext.Action(input, async context =>
        {
            var granted = Scopes.Parse(context.Value(scopes));
            if (granted.Count == 0)
                return context.Fail("--scopes must name at least one scope");
            var owner = await context.Store<IUserStore>().FindByUsernameAsync(context.Value(user));
            if (owner is null)
                return context.Fail($"no user named '{context.Value(user)}'");
            if (granted.Contains(Scopes.MapillaryAdmin) && !owner.IsAdmin)
                return context.Fail($"{Scopes.MapillaryAdmin} is granted only to administrators ('sightline users add --admin')");
            var application = await context.Store<IApplicationStore>().FindAsync(context.Value(client));
            if (application is null || !application.Enabled)
                return context.Fail($"no enabled application with client_id '{context.Value(client)}'");
            var token = await context.Store<ITokenStore>().IssueAsync(owner.Id, application.Id, granted);
            return context.Succeed($"issued token for {owner.Username} on {application.Name}: {token}", new { token });
        }));

        var tokenArgument = new Argument<string>("TOKEN") { Description = "The token to revoke" };
        var revoke = new Command("revoke", "Revoke a token at once") { tokenArgument };
        revoke.SetAction(CommandContext.Action(input, async context =>
        {
            var store = context.Store<ITokenStore>();
            if (!await store.RevokeAsync(context.Value(tokenArgument)))
                return context.Fail("no such active token");
            return context.Succeed("revoked token", new { revoked = true });
        }));

        var listUser = new Option<string>("--user") { Description = "Username whose tokens to list", Required = true };
        var list = new Command("list", "List a user's tokens (never their values, which are not stored)") { listUser };
        list.SetAction(CommandContext.Action(input, async context =>
        {
            var owner = await context.Store<IUserStore>().FindByUsernameAsync(context.Value(listUser));
            if (owner is null)
                return context.Fail($"no user named '{context.Value(listUser)}'");
            var tokens = await context.Store<ITokenStore>().ListOfUserAsync(owner.Id);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var rows = tokens.Select(t => new
            {
                id = t.Id, client_id = t.ClientId, application = t.ApplicationName, scopes = t.Scopes,
                created_at = DateTimeOffset.FromUnixTimeMilliseconds(t.CreatedAt),
                expires_at = t.ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : (DateTimeOffset?)null,
                state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active",
            }).ToList();
            foreach (var row in rows)
                context.Output.WriteLine($"{row.id}\t{row.state}\t{row.client_id}\t{row.application}\t{row.scopes}\t{row.created_at:u}");
            return context.Succeed($"{rows.Count} tokens of {owner.Username}", new { username = owner.Username, tokens = rows });
        }));

        return new Command("tokens", "Manage user tokens") { issue, revoke, list };
    }
}
