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
using Sightline.Storage.Postgres;
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
        AddBlobs(services, configuration, options);
        if (string.IsNullOrWhiteSpace(options.Database))
            AddSqlite(services, options);
        else
            AddPostgres(services, options.Database);
        AddSharedState(services, options);
        return services;
    }

    // What nodes must agree on that is not rows in the database: token buckets (request budgets, sign-in throttles) in
    // Redis when it is configured, in this process otherwise.
    private static void AddSharedState(IServiceCollection services, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            services.AddSingleton<RateLimiting.ITokenBuckets, RateLimiting.LocalTokenBuckets>();
            return;
        }
        services.AddSingleton<Redis.RedisConnection>();
        services.AddHostedService<Redis.RedisStartup>();
        services.AddSingleton<RateLimiting.ITokenBuckets, Redis.RedisTokenBuckets>();
    }

    private static void AddBlobs(IServiceCollection services, IConfiguration configuration, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Blobs))
        {
            services.AddSingleton<IBlobStore, FileBlobStore>();
            return;
        }
        if (!Uri.TryCreate(options.Blobs, UriKind.Absolute, out var location) || location.Scheme != "s3" || location.Host.Length == 0)
            throw new StorageConfigurationException($"Storage:Blobs must be s3://bucket/optional-prefix (or empty for the data folder), not '{options.Blobs}'");
        var s3 = new S3.S3Options();
        configuration.GetSection("Storage:S3").Bind(s3);
        services.AddSingleton(s3);
        services.AddSingleton<S3.S3BlobStore>(provider => new S3.S3BlobStore(location, s3, provider.GetRequiredService<ScratchFiles>()));
        services.AddSingleton<IBlobStore>(provider => provider.GetRequiredService<S3.S3BlobStore>());
    }

    private static void AddSqlite(IServiceCollection services, StorageOptions options)
    {
        services.AddSingleton(new Database(options.DataDirectory));
        services.AddSingleton<IStorageSchema, SqliteSchema>();
        services.AddSingleton<OperationsStore, SqliteOperationsStore>();
        services.AddSingleton<CommitWatch>();
        services.AddSingleton<IChangeFeed>(provider => provider.GetRequiredService<CommitWatch>());
        services.AddSingleton<SequenceAssembler>();
        services.AddSingleton<SqliteNodeSlot>();
        services.AddSingleton<IJobQueue, SqliteJobQueue>();
        services.AddSingleton<ISettingStore, SqliteSettingStore>();
        services.AddSingleton<IDataProtectionKeyStore, SqliteDataProtectionKeyStore>();
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IApplicationStore, SqliteApplicationStore>();
        services.AddSingleton<ITokenStore, SqliteTokenStore>();
        services.AddSingleton<ICodeRedemptions, SqliteCodeRedemptions>();
        services.AddSingleton<IImageStore, SqliteImageStore>();
        services.AddSingleton<IImageStatistics, SqliteImageStatistics>();
        services.AddSingleton<IUploadStore, SqliteUploadStore>();
        services.AddSingleton<Me.ITakeoutStore, SqliteTakeoutStore>();
        services.AddSingleton<IProjectStore, SqliteProjectStore>();
        services.AddSingleton<ISequenceStore, SqliteSequenceStore>();
        services.AddSingleton<ISearchIndexStore, SqliteSearchIndexStore>();
        services.AddSingleton<ICommentStore, SqliteCommentStore>();
        services.AddSingleton<IBlurStore, SqliteBlurStore>();
        services.AddSingleton<IComplaintStore, SqliteComplaintStore>();
        services.AddSingleton<IFeedStore, SqliteFeedStore>();
        services.AddSingleton<IDetectionStore, SqliteDetectionStore>();
    }

    private static void AddPostgres(IServiceCollection services, string setting)
    {
        // Parsed now: a malformed setting stops the server before anything starts.
        PostgresDatabase.Parse(setting);
        // Made by the container so that it is disposed with it (its connection pool closes).
        services.AddSingleton(_ => new PostgresDatabase(setting));
        services.AddSingleton<IStorageSchema, PostgresSchema>();
        services.AddSingleton<OperationsStore, PostgresOperationsStore>();
        services.AddSingleton<PostgresChangeFeed>();
        services.AddSingleton<IChangeFeed>(provider => provider.GetRequiredService<PostgresChangeFeed>());
        services.AddSingleton<SequenceAssembler>();
        services.AddSingleton<PostgresJobNodes>();
        services.AddSingleton<IJobQueue, PostgresJobQueue>();
        services.AddSingleton<ISettingStore, PostgresSettingStore>();
        services.AddSingleton<IUserStore, PostgresUserStore>();
        services.AddSingleton<IApplicationStore, PostgresApplicationStore>();
        services.AddSingleton<ITokenStore, PostgresTokenStore>();
        services.AddSingleton<ICodeRedemptions, PostgresCodeRedemptions>();
        services.AddSingleton<IImageStore, PostgresImageStore>();
        services.AddSingleton<IImageStatistics, PostgresImageStatistics>();
        services.AddSingleton<IUploadStore, PostgresUploadStore>();
        services.AddSingleton<Me.ITakeoutStore, PostgresTakeoutStore>();
        services.AddSingleton<IDataProtectionKeyStore, PostgresDataProtectionKeyStore>();
        services.AddSingleton<IProjectStore, PostgresProjectStore>();
        services.AddSingleton<ISequenceStore, PostgresSequenceStore>();
        services.AddSingleton<ISearchIndexStore, PostgresSearchIndexStore>();
        services.AddSingleton<ICommentStore, PostgresCommentStore>();
        services.AddSingleton<IBlurStore, PostgresBlurStore>();
        services.AddSingleton<IComplaintStore, PostgresComplaintStore>();
        services.AddSingleton<IFeedStore, PostgresFeedStore>();
        services.AddSingleton<IDetectionStore, PostgresDetectionStore>();
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
        try
        {
            CheckAsync(provider).GetAwaiter().GetResult();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return provider;
    }

    /// <summary>
    /// Brings the schema up to date and makes sure the object store answers; a backend that is down or misconfigured
    /// becomes a <see cref="StorageConfigurationException"/> naming the setting and what was tried.
    /// </summary>
    public static async Task CheckAsync(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<StorageOptions>();
        try
        {
            provider.GetRequiredService<IStorageSchema>().Migrate();
        }
        catch (Exception e) when (e is not StorageConfigurationException && provider.GetService<PostgresDatabase>() is { } postgres)
        {
            throw new StorageConfigurationException(
                $"cannot reach PostgreSQL at {postgres.Host}:{postgres.Port} (Storage:Database): {PostgresDatabase.Reason(e)}");
        }
        catch (Exception e) when (e is not StorageConfigurationException)
        {
            throw new StorageConfigurationException(
                $"cannot open the database {options.Database ?? Path.Combine(options.DataDirectory, Database.FileName)} (Storage:Database): {e.Message}",
                aboutDataFolder: true);
        }
        try
        {
            await provider.GetRequiredService<IBlobStore>().ExistsAsync("sightline-probe");
        }
        catch (Exception e)
        {
            throw new StorageConfigurationException(
                $"cannot reach the object store {options.Blobs ?? options.DataDirectory} (Storage:Blobs): {e.GetBaseException().Message}");
        }
    }

    /// <summary>
    /// Settings that override the environment for administrative commands run in this process on this call chain only:
    /// one process may drive several installations at once (the tests: one database per server), where one set of
    /// environment variables cannot say which is meant.
    /// </summary>
    public static readonly AsyncLocal<IReadOnlyDictionary<string, string?>?> CommandSettings = new();

    /// <summary>
    /// Connects to Redis when <c>Storage:Redis</c> names one (the server's start; administrative commands do not need it);
    /// one that cannot be reached becomes a <see cref="StorageConfigurationException"/> naming the setting.
    /// </summary>
    public static async Task CheckSharedStateAsync(IServiceProvider provider)
    {
        if (provider.GetService<Redis.RedisConnection>() is { } redis)
            await redis.ConnectAsync();
    }

    /// <summary>What administrative commands read their settings from: <c>Storage__Database</c> and the like.</summary>
    public static IConfiguration Configuration()
    {
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();
        if (CommandSettings.Value is { } settings)
            builder.AddInMemoryCollection(settings);
        return builder.Build();
    }
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

/// <summary>A storage setting that cannot work: its message names the setting and says what was wrong, in one line.</summary>
/// <param name="aboutDataFolder">The embedded database in the data folder could not be opened (the folder is the likely cause).</param>
public sealed class StorageConfigurationException(string message, bool aboutDataFolder = false) : Exception(message)
{
    public bool AboutDataFolder { get; } = aboutDataFolder;
}
