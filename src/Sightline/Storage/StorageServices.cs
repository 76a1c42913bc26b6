using Sightline.Applications;
using Sightline.Blurs;
using Sightline.Comments;
using Sightline.Complaints;
using Sightline.Detections;
using Sightline.Feeds;
using Sightline.Images;
using Sightline.OAuth;
using Sightline.Processing;
using Sightline.Projects;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Stats;
using Sightline.Storage.Sqlite;
using Sightline.Tokens;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Storage;

/// <summary>
/// Registers the storage backends chosen by configuration (<c>Storage:Database</c>, <c>Storage:Blobs</c>): every store
/// interface, the blob store, the job queue and the change feed. One registration per backend; features ask for the
/// interfaces only.
/// </summary>
public static class StorageServices
{
    public static IServiceCollection AddSightlineStorage(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        var options = new StorageOptions { DataDirectory = Path.GetFullPath(dataDirectory) };
        configuration.GetSection("Storage").Bind(options);
        options.DataDirectory = Path.GetFullPath(dataDirectory);
        services.AddSingleton(options);
        // First of the hosted services: the schema is current before the search index loads or a worker claims a job.
        services.AddHostedService<SchemaMigration>();
        services.AddSingleton<ScratchFiles>();
        services.AddSingleton<IBlobStore, FileBlobStore>();
        AddSqlite(services, options);
        return services;
    }

    private static void AddSqlite(IServiceCollection services, StorageOptions options)
    {
        services.AddSingleton(new Database(options.DataDirectory));
        services.AddSingleton<IStorageSchema, SqliteSchema>();
        services.AddSingleton<CommitWatch>();
        services.AddSingleton<IChangeFeed>(provider => provider.GetRequiredService<CommitWatch>());
        services.AddSingleton<SqliteSequenceAssembler>();
        services.AddSingleton<IJobQueue, SqliteJobQueue>();
        services.AddSingleton<ISettingStore, SqliteSettingStore>();
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IApplicationStore, SqliteApplicationStore>();
        services.AddSingleton<ITokenStore, SqliteTokenStore>();
        services.AddSingleton<ICodeRedemptions, SqliteCodeRedemptions>();
        services.AddSingleton<IImageStore, SqliteImageStore>();
        services.AddSingleton<IImageStatistics, SqliteImageStatistics>();
        services.AddSingleton<IUploadStore, SqliteUploadStore>();
        services.AddSingleton<IProjectStore, SqliteProjectStore>();
        services.AddSingleton<ISequenceStore, SqliteSequenceStore>();
        services.AddSingleton<ISearchIndexStore, SqliteSearchIndexStore>();
        services.AddSingleton<ICommentStore, SqliteCommentStore>();
        services.AddSingleton<IBlurStore, SqliteBlurStore>();
        services.AddSingleton<IComplaintStore, SqliteComplaintStore>();
        services.AddSingleton<IStatsStore, SqliteStatsStore>();
        services.AddSingleton<IFeedStore, SqliteFeedStore>();
        services.AddSingleton<IDetectionStore, SqliteDetectionStore>();
    }

    /// <summary>
    /// The storage of an administrative command (or a test): the same registrations as the server's, with the schema
    /// brought up to date. Dispose it when done.
    /// </summary>
    public static ServiceProvider Open(string dataDirectory, IConfiguration? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<JobSignal>();
        services.AddOptions<Sequences.SequenceOptions>();
        services.AddSightlineStorage(configuration ?? Configuration(), dataDirectory);
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStorageSchema>().Migrate();
        return provider;
    }

    /// <summary>What administrative commands read their settings from: <c>Storage__Database</c> and the like.</summary>
    public static IConfiguration Configuration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();
}

/// <summary>Brings the schema up to date when the server starts, before any other hosted service runs.</summary>
internal sealed class SchemaMigration(IStorageSchema schema) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        schema.Migrate();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
