using System.CommandLine;
using Sightline.Applications;

namespace Sightline.Cli;

/// <summary><c>sightline clients add|disable</c>: applications (OAuth clients).</summary>
public static class ClientsCommand
{
    public static Command Create(TextReader input)
    {
        var name = new Option<string>("--name") { Description = "Application name shown to people", Required = true };
        var redirects = new Option<string[]>("--redirect-uri")
        {
            Description = "A registered redirect URI (repeatable)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var publicClient = new Option<bool>("--public") { Description = "A public client without a secret (PKCE required)" };
        var allowImplicit = new Option<bool>("--allow-implicit") { Description = "Allow the implicit flow (response_type=token)" };
        var legacyImplicitQuery = new Option<bool>("--legacy-implicit-query")
        {
            Description = "Allow the implicit flow and send its token in the redirect's query instead of the fragment, for old clients " +
                          "that read it from a local listener (the JOSM Mapillary plugin). Weaker: the token reaches server logs and history",
        };
        var add = new Command("add", "Register an application; prints its client_id and, once, its secret")
        {
            name, redirects, publicClient, allowImplicit, legacyImplicitQuery,
        };
        add.SetAction(CommandContext.Action(input, async context =>
        {
            var store = context.Store<IApplicationStore>();
            var (application, secret) = await store.AddAsync(
                context.Value(name), context.Value(redirects), context.Value(allowImplicit), confidential: !context.Value(publicClient),
                implicitInQuery: context.Value(legacyImplicitQuery));
            return context.Succeed(
                $"added application {application.Name}: client_id {application.ClientId}" +
                (secret is null ? " (public client, no secret)" : $", client_secret {secret} (shown only now)"),
                new { client_id = application.ClientId, client_secret = secret });
        }));

        var clientId = new Argument<string>("CLIENT_ID") { Description = "The application's client_id" };
        var disable = new Command("disable", "Disable an application: its client_id and tokens stop working") { clientId };
        disable.SetAction(CommandContext.Action(input, async context =>
        {
            var store = context.Store<IApplicationStore>();
            var id = context.Value(clientId);
            if (!await store.DisableAsync(id))
                return context.Fail($"no application with client_id '{id}'");
            return context.Succeed($"disabled application {id}", new { client_id = id, disabled = true });
        }));

        var clients = new Command("clients", "Manage applications (OAuth clients)") { add, disable };
        foreach (var command in ClientsAdminCommands.Create(input))
            clients.Subcommands.Add(command);
        return clients;
    }
}
