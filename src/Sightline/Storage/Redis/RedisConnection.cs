using StackExchange.Redis;

namespace Sightline.Storage.Redis;

/// <summary>
/// This node's one connection to Redis (<c>Storage:Redis</c>), made when the server starts. A connection lost later fails
/// the commands it breaks at once (never a queue that hangs requests) and is made again by the client in the background.
/// </summary>
public sealed class RedisConnection(StorageOptions options, ILogger<RedisConnection> log) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ConnectionMultiplexer? multiplexer;

    /// <summary>Prefix of every key this installation writes.</summary>
    public string KeyPrefix => options.RedisKeyPrefix;

    /// <summary>The database, connecting first if this is the first use.</summary>
    public async ValueTask<IDatabase> DatabaseAsync() => (multiplexer ?? await ConnectAsync()).GetDatabase();

    /// <summary>Connects once; a Redis that cannot be reached becomes a one-line <see cref="StorageConfigurationException"/>.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (multiplexer is { } connected)
            return connected;
        await gate.WaitAsync();
        try
        {
            if (multiplexer is { } raced)
                return raced;
            var configuration = Configuration();
            try
            {
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
            }
            catch (RedisConnectionException e)
            {
                throw new StorageConfigurationException(
                    $"cannot reach Redis at {Endpoints(configuration)} (Storage:Redis): {await ReasonAsync(configuration, e)}");
            }
            multiplexer.ConnectionFailed += (_, failed) =>
                log.LogError(failed.Exception, "Redis connection to {Endpoint} lost ({Failure}); requests that need it fail until it is back", failed.EndPoint, failed.FailureType);
            multiplexer.ConnectionRestored += (_, restored) => log.LogInformation("Redis connection to {Endpoint} restored", restored.EndPoint);
            return multiplexer;
        }
        finally
        {
            gate.Release();
        }
    }

    private ConfigurationOptions Configuration()
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(options.Redis!);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new StorageConfigurationException($"Storage:Redis is not a StackExchange.Redis configuration string ('{options.Redis}'): {e.Message}");
        }
        if (configuration.EndPoints.Count == 0)
            throw new StorageConfigurationException($"Storage:Redis names no server ('{options.Redis}'); use host:port, e.g. 127.0.0.1:6379");
        // At start, an unreachable Redis is an error to report, not something to wait for.
        configuration.AbortOnConnectFail = true;
        configuration.ConnectRetry = 1;
        // While the connection is down, a command fails at once (a 500 for that request) instead of queueing behind it.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        // A request must never hang on Redis: a command not answered within 2 seconds fails.
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 2000);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, 2000);
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 5000);
        configuration.ClientName ??= "sightline";
        return configuration;
    }

    private static string Endpoints(ConfigurationOptions configuration) =>
        string.Join(",", configuration.EndPoints.Select(endpoint => endpoint switch
        {
            System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => endpoint.ToString(),
        }));

    // The client's own message is a paragraph of advice about abortConnect, without the socket's reason: one plain
    // connection attempt to the first server tells an operator what is wrong (no such host, refused, no answer).
    private static async Task<string> ReasonAsync(ConfigurationOptions configuration, RedisConnectionException e)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(configuration.ConnectTimeout));
        try
        {
            using var probe = new System.Net.Sockets.TcpClient();
            switch (configuration.EndPoints[0])
            {
                case System.Net.DnsEndPoint dns:
                    await probe.ConnectAsync(dns.Host, dns.Port, timeout.Token);
                    break;
                case System.Net.IPEndPoint ip:
                    await probe.ConnectAsync(ip, timeout.Token);
                    break;
            }
        }
        catch (System.Net.Sockets.SocketException socket)
        {
            return socket.SocketErrorCode switch
            {
                System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain => "no such host",
                System.Net.Sockets.SocketError.TimedOut => "no answer (timed out)",
                _ => socket.Message.ToLowerInvariant(),
            };
        }
        catch (OperationCanceledException)
        {
            return "no answer (timed out)";
        }
        // The port answers: Redis itself refused the connection.
        return e.FailureType switch
        {
            ConnectionFailureType.AuthenticationFailure => "authentication failed (check the password or user in Storage:Redis)",
            _ => $"the server answers but the Redis handshake failed ({e.FailureType}; TLS or password settings?)",
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (multiplexer is not null)
            await multiplexer.DisposeAsync();
        gate.Dispose();
    }
}

/// <summary>Connects to Redis when the server starts, so a Redis that cannot be reached stops the start.</summary>
internal sealed class RedisStartup(RedisConnection redis) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => redis.ConnectAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
