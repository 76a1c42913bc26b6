using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Projects;
using Sightline.Users;

namespace Sightline.Storage.Sqlite;

/// <summary>Creates projects, manages their members, and answers "may this user see or upload to it?".</summary>
public sealed class SqliteProjectStore(Database database, IUserStore users) : IProjectStore
{
    /// <summary>Adds a project owned by (and with as first member) <paramref name="ownerUsername"/>.</summary>
    public async Task<Project> AddAsync(string key, string name, string ownerUsername)
    {
        if (!IProjectStore.IsKeyShaped(key))
            throw new ArgumentException($"project key must be {IProjectStore.KeyRule}");
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("project name must not be empty");
        var owner = await users.FindByUsernameAsync(ownerUsername)
            ?? throw new ArgumentException($"no user '{ownerUsername}'");
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(
                "INSERT INTO projects (key, name, owner_user_id, created_at) VALUES (@key, @name, @ownerId, @now) RETURNING id",
                new { key, name, ownerId = owner.Id, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
            await connection.ExecuteAsync("INSERT INTO project_members (project_id, user_id) VALUES (@id, @userId)",
                new { id, userId = owner.Id }, transaction);
            await transaction.CommitAsync();
            return new Project(id, key, name, owner.Id);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            throw new ArgumentException($"project key '{key}' is taken");
        }
    }

    public async Task AddMemberAsync(string key, string username)
    {
        var project = await FindAsync(key) ?? throw new ArgumentException($"no project '{key}'");
        var user = await users.FindByUsernameAsync(username) ?? throw new ArgumentException($"no user '{username}'");
        await using var connection = await database.OpenWriterAsync();
        await connection.ExecuteAsync("INSERT OR IGNORE INTO project_members (project_id, user_id) VALUES (@Id, @userId)",
            new { project.Id, userId = user.Id });
    }

    public async Task<Project?> FindAsync(string key)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Project>(
            "SELECT id, key, name, owner_user_id AS OwnerUserId FROM projects WHERE key = @key", new { key });
    }

    public async Task<bool> IsMemberAsync(long projectId, long userId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM project_members WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId }) > 0;
    }

    public async Task<IReadOnlyList<Membership>> MembershipsAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Membership>(
            """
            SELECT p.key, p.name, u.username AS OwnerUsername, p.created_at AS CreatedAt
            FROM project_members m JOIN projects p ON p.id = m.project_id JOIN users u ON u.id = p.owner_user_id
            WHERE m.user_id = @userId ORDER BY p.key
            """, new { userId });
        return rows.AsList();
    }
}
