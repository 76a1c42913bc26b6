using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Images;
using Sightline.Sequences;

namespace Sightline.Storage.Sqlite;

/// <summary>Reads sequences with their processed images.</summary>
public sealed class SqliteSequenceStore(Database database, IImageStore images) : ISequenceStore
{
    /// <summary>The sequence with this key, at least one processed image, and visible to <paramref name="viewer"/>; null otherwise.</summary>
    public async Task<Sequence?> FindVisibleAsync(string key, Viewer viewer)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.Add("key", key);
        // The column is qualified: inside the condition's subquery a bare project_id names project_members' own column,
        // which made a private sequence visible to a member of any project.
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long UserId)?>(
            $"SELECT s.id, s.user_id FROM sequences s WHERE s.key = @key AND {Visibility.VisibleCondition("s.project_id")}", parameters);
        if (row is not { } found)
            return null;
        var members = await images.InSequenceAsync(found.Id);
        return members.Count == 0 ? null : new Sequence(found.Id, key, found.UserId, members);
    }

    public async Task<IReadOnlyList<ISequenceStore.Candidate>> CandidatesAsync(IReadOnlyCollection<int> ids)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<ISequenceStore.Candidate>(
            """
            SELECT s.id, s.key, s.user_id AS UserId,
                   (SELECT min(i.captured_at) FROM images i WHERE i.sequence_id = s.id AND i.state = 'done') AS CapturedAt
            FROM sequences s WHERE s.id IN (SELECT value FROM json_each(@ids))
            """, new { ids = System.Text.Json.JsonSerializer.Serialize(ids) });
        return rows.AsList();
    }

    public async Task<ISequenceStore.Owned?> FindOwnedAsync(string key, long userId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ISequenceStore.Owned>(
            """
            SELECT s.id, s.key, s.project_id AS ProjectId FROM sequences s
            WHERE s.key = @key AND s.user_id = @userId AND EXISTS (SELECT 1 FROM images i WHERE i.sequence_id = s.id AND i.state = 'done')
            """, new { key, userId });
    }

    public async Task<bool> MoveToProjectAsync(ISequenceStore.Owned sequence, long? to)
    {
        var (sequenceId, key, from) = (sequence.Id, sequence.Key, sequence.ProjectId);
        await using var connection = await database.OpenWriterAsync();
        // Microsoft.Data.Sqlite begins IMMEDIATE: the one writer, so no image joins the sequence halfway (sequence assembly
        // writes in its own transaction). The images' project_id triggers the search change log (0005, 0008), from which
        // the search index, tiles, STAC and the caches built on them learn of the move.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var moved = await connection.ExecuteAsync(
            "UPDATE sequences SET project_id = @to WHERE id = @sequenceId AND key = @key AND project_id IS @from",
            new { sequenceId, key, from, to }, transaction);
        if (moved == 0)
            return false;
        await connection.ExecuteAsync("UPDATE images SET project_id = @to WHERE sequence_id = @sequenceId", new { sequenceId, to }, transaction);
        await transaction.CommitAsync();
        return true;
    }
}
