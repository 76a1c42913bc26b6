using System.CommandLine;
using Sightline.Applications;

namespace Sightline.Cli;

/// <summary><c>sightline clients list|show|enable|rotate-secret</c> (issue 13).</summary>
public static class ClientsAdminCommands
{
    public static IEnumerable<Command> Create(TextReader input)
    {
        var list = new Command("list", "List every application");
        list.SetAction(CommandContext.Action(input, async context =>
        {
            var applications = await context.Store<IApplicationStore>().ListAsync();
            foreach (var application in applications)
                context.Output.WriteLine($"{application.ClientId}\t{application.Name}\t{(application.Enabled ? "enabled" : "disabled")}\t{(application.HasSecret ? "confidential" : "public")}");
            return context.Succeed($"{applications.Count} applications", new { applications = applications.Select(a => Describe(a, null)).ToList() });
        }));
        yield return list;

        var showId = ClientIdArgument();
        var show = new Command("show", "Show one application and its redirect URIs") { showId };
        show.SetAction(CommandContext.Action(input, async context =>
        {
            var store = context.Store<IApplicationStore>();
            var application = await store.FindAsync(context.Value(showId));
            if (application is null)
                return context.Fail($"no application with client_id '{context.Value(showId)}'");
            var redirects = await store.RedirectUrisAsync(application.Id);
            return context.Succeed(
                $"{application.Name}: client_id {application.ClientId}, {(application.Enabled ? "enabled" : "disabled")}, " +
                $"{(application.HasSecret ? "confidential" : "public")}, redirect URIs: {string.Join(' ', redirects)}",
                Describe(application, redirects));
        }));
        yield return show;

        var enableId = ClientIdArgument();
        var enable = new Command("enable", "Enable a disabled application again") { enableId };
        enable.SetAction(CommandContext.Action(input, async context =>
        {
            if (!await context.Store<IApplicationStore>().EnableAsync(context.Value(enableId)))
                return context.Fail($"no application with client_id '{context.Value(enableId)}'");
            return context.Succeed($"enabled application {context.Value(enableId)}", new { client_id = context.Value(enableId), disabled = false });
        }));
        yield return enable;

        var rotateId = ClientIdArgument();
        var rotate = new Command("rotate-secret", "Give a confidential application a new secret (shown once); the old one stops working at once") { rotateId };
        rotate.SetAction(CommandContext.Action(input, async context =>
        {
            var secret = await context.Store<IApplicationStore>().RotateSecretAsync(context.Value(rotateId));
            if (secret is null)
                return context.Fail($"no application with client_id '{context.Value(rotateId)}'");
            return context.Succeed($"new client_secret for {context.Value(rotateId)}: {secret} (shown only now)",
                new { client_id = context.Value(rotateId), client_secret = secret });
        }));
        yield return rotate;
    }

    private static Argument<string> ClientIdArgument() => new("CLIENT_ID") { Description = "The application's client_id" };

    private static object Describe(Application application, IReadOnlyList<string>? redirectUris) => new
    {
        client_id = application.ClientId,
        name = application.Name,
        enabled = application.Enabled,
        confidential = application.HasSecret,
        allow_implicit = application.AllowImplicit,
        redirect_uris = redirectUris,
    };
}
