using System.CommandLine;
using Sightline.Applications;
using Sightline.Demo;
using Sightline.Hosting;
using Sightline.Storage;

namespace Sightline.Cli;

/// <summary><c>sightline serve</c>: runs the server until SIGTERM or Ctrl-C.</summary>
public static class ServeCommand
{
    public static Command Create(TextReader input)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';'",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var demo = new Option<bool>("--demo") { Description = "On a server without images, load a demo set of generated street photos" };
        var serve = new Command("serve", "Run the server on the data folder (created on first start)") { urls, demo };
        serve.SetAction(CommandContext.Action(input, async context =>
        {
            if (StartupProblems.NativeLibraries() is { } missing)
                return context.Fail(missing);
            if (StartupProblems.Urls(context.Value(urls)) is { } badUrl)
                return context.Fail(badUrl);
            // The host's own "Hosting failed to start" is a stack trace; the one line below says it instead.
            var app = SightlineServer.Build(new SightlineServer.Settings(context.DataDirectory, context.Value(urls), StorageServices.CommandSettings.Value),
                logging => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical));
            // Before the data folder's checks, whose failures name the folder: this one names Storage:Redis.
            await StorageServices.CheckSharedStateAsync(app.Services);
            string demoClientId;
            try
            {
                await StorageServices.CheckAsync(app.Services);
                demoClientId = await DemoApplication.EnsureAsync(
                    app.Services.GetRequiredService<ISettingStore>(), app.Services.GetRequiredService<IApplicationStore>());
            }
            catch (Exception e) when (StartupProblems.DataFolder(e, context.DataDirectory) is { } problem)
            {
                return context.Fail(problem);
            }
            var output = SightlineServer.IsJsonLogging(app.Configuration)
                ? new Observability.LogLineWriter(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sightline.Start"))
                : context.Output;
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                foreach (var address in SightlineServer.ListeningAddresses(app))
                {
                    output.WriteLine($"Sightline listening on {address}");
                    output.WriteLine(app.Services.GetRequiredService<WebApp.WebAppAssets>().IsBuilt
                        ? $"  web app: open {address}/ in a browser"
                        : "  web app: not in this build (Node.js was missing at build time); the API answers as usual");
                    output.WriteLine($"  try: curl '{address}/v2/status?client_id={demoClientId}'");
                }
                output.WriteLine($"demo client_id: {demoClientId}");
                output.Flush();
                if (context.Value(demo))
                    _ = LoadDemoAsync(demoClientId, app, output);
            });
            try
            {
                await app.RunAsync();
            }
            catch (Exception e) when (StartupProblems.Listening(e, context.Value(urls)) is { } problem)
            {
                return context.Fail(problem);
            }
            return 0;
        }));
        return serve;
    }

    // In the background, through the server's own upload API, once it listens.
    private static async Task LoadDemoAsync(string clientId, WebApplication app, TextWriter output)
    {
        try
        {
            if (!await DemoImagery.IsNeededAsync(app.Services))
                return;
            var address = new Uri(SightlineServer.ListeningAddresses(app).First().Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1"));
            await DemoImagery.LoadAsync(app.Services, clientId, address, output, app.Lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.WriteLine($"demo: could not load the demo set: {e.Message}");
        }
        output.Flush();
    }
}
