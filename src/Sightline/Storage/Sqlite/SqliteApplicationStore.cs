using Dapper;
using Sightline.Applications;

namespace Sightline.Storage.Sqlite;

/// <summary>Reads and writes applications; secrets are stored only as hashes.</summary>
public sealed class SqliteApplicationStore(Database database) : IApplicationStore
{
    private const string Columns =
        "id, client_id AS ClientId, name, enabled, allow_implicit <> 0 AS AllowImplicit, allow_implicit = 2 AS ImplicitInQuery, " +
        "secret_hash IS NOT NULL AS HasSecret";

    // allow_implicit: 0 no implicit flow, 1 implicit flow answering in the fragment (RFC 6749), 2 implicit flow answering in
    // the query (legacy clients, opt-in), so the opt-in needs no schema change.
    private static int ImplicitMode(bool allowImplicit, bool inQuery) => inQuery ? 2 : allowImplicit ? 1 : 0;

    /// <summary>Registers an application; the returned secret is shown once and never stored.</summary>
    public async Task<(Application Application, string? Secret)> AddAsync(
        string name, IReadOnlyCollection<string> redirectUris, bool allowImplicit = false, bool confidential = true, long? ownerUserId = null,
        bool implicitInQuery = false)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("name must not be empty");
        foreach (var uri in redirectUris)
            Application.CheckRedirectUri(uri);

        var clientId = RandomKey.New();
        var secret = confidential ? RandomKey.NewSecret() : null;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO applications (client_id, secret_hash, name, allow_implicit, owner_user_id, created_at)
            VALUES (@clientId, @hash, @name, @allowImplicit, @ownerUserId, @now) RETURNING id
            """,
            new { clientId, hash = secret is null ? null : RandomKey.Hash(secret), name, allowImplicit = ImplicitMode(allowImplicit, implicitInQuery), ownerUserId, now },
            transaction);
        foreach (var uri in redirectUris.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(
                "INSERT INTO application_redirect_uris (application_id, uri) VALUES (@id, @uri)", new { id, uri }, transaction);
        }
        await transaction.CommitAsync();
        return (new Application { Id = id, ClientId = clientId, Name = name, Enabled = true, AllowImplicit = allowImplicit || implicitInQuery,
            ImplicitInQuery = implicitInQuery, HasSecret = secret is not null }, secret);
    }

    public async Task<Application?> FindAsync(string clientId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Application>(
            $"SELECT {Columns} FROM applications WHERE client_id = @clientId", new { clientId });
    }

    public async Task<IReadOnlyList<string>> RedirectUrisAsync(long applicationId)
    {
        await using var connection = await database.OpenAsync();
        var uris = await connection.QueryAsync<string>(
            "SELECT uri FROM application_redirect_uris WHERE application_id = @applicationId ORDER BY uri", new { applicationId });
        return uris.AsList();
    }

    /// <summary>Adds redirect URIs an application lacks (the web app's, as the server's addresses change between starts).</summary>
    public async Task AddRedirectUrisAsync(long applicationId, IEnumerable<string> redirectUris)
    {
        await using var connection = await database.OpenWriterAsync();
        foreach (var uri in redirectUris.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO application_redirect_uris (application_id, uri) SELECT @applicationId, @uri
                WHERE NOT EXISTS (SELECT 1 FROM application_redirect_uris WHERE application_id = @applicationId AND uri = @uri)
                """, new { applicationId, uri });
        }
    }

    public async Task<bool> VerifySecretAsync(string clientId, string secret)
    {
        await using var connection = await database.OpenAsync();
        var stored = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT secret_hash FROM applications WHERE client_id = @clientId", new { clientId });
        return stored is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Convert.FromHexString(stored), Convert.FromHexString(RandomKey.Hash(secret)));
    }

    /// <summary>Disables an application: its client_id and every token issued to it stop working at once.</summary>
    /// <summary>Every application, by name (the admin CLI).</summary>
    public async Task<IReadOnlyList<Application>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Application>($"SELECT {Columns} FROM applications ORDER BY name, id")).AsList();
    }

    public async Task<bool> EnableAsync(string clientId)
    {
        await using var connection = await database.OpenWriterAsync();
        return await connection.ExecuteAsync("UPDATE applications SET enabled = 1 WHERE client_id = @clientId", new { clientId }) > 0;
    }

    /// <summary>
    /// A new secret for a confidential application, shown once; the old one stops working at once. Null when there is no
    /// such application; an ArgumentException for a public client, which has no secret.
    /// </summary>
    public async Task<string?> RotateSecretAsync(string clientId)
    {
        var secret = RandomKey.NewSecret();
        await using var connection = await database.OpenWriterAsync();
        var hasSecret = await connection.QuerySingleOrDefaultAsync<long?>(
            "SELECT secret_hash IS NOT NULL FROM applications WHERE client_id = @clientId", new { clientId });
        if (hasSecret is null)
            return null;
        if (hasSecret == 0)
            throw new ArgumentException($"application '{clientId}' is a public client: it has no secret to rotate");
        await connection.ExecuteAsync("UPDATE applications SET secret_hash = @hash WHERE client_id = @clientId",
            new { clientId, hash = RandomKey.Hash(secret) });
        return secret;
    }

    public async Task<bool> DisableAsync(string clientId)
    {
        await using var connection = await database.OpenWriterAsync();
        return await connection.ExecuteAsync("UPDATE applications SET enabled = 0 WHERE client_id = @clientId", new { clientId }) > 0;
    }

    public async Task<long> CountAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM applications WHERE enabled = 1");
    }
}
