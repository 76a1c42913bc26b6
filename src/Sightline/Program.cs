using Sightline.Cli;
using Sightline.Processing;

MemoryRelease.LimitArenas(args);
return await SightlineCli.RunAsync(args, Console.In, Console.Out, Console.Error);

/// <summary>Entry point; also the anchor type for test hosts.</summary>
public partial class Program;
