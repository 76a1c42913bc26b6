using Dapper;
using Sightline.Images;
using Sightline.Sequences;

namespace Sightline.Storage.Postgres;

/// <summary>Reads sequences with their processed images.</summary>
public sealed class PostgresSequenceStore(PostgresDatabase database, IImageStore images) : ISequenceStore
{
    /// <summary>The sequence with this key, at least one processed image, and visible to <paramref name="viewer"/>; null otherwise.</summary>
    public async Task<Sequence?> FindVisibleAsync(string key, Viewer viewer)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.Add("key", key);
        var row = await connection.QuerySingleOrDefaultAsync<(long Id, long UserId)?>(
            $"SELECT id, user_id FROM sequences WHERE key = @key AND {Visibility.VisibleCondition("project_id")}", parameters);
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
            FROM sequences s WHERE s.id = ANY(@ids)
            """, new { ids = ids.Select(id => (long)id).ToArray() });
        return rows.AsList();
    }
}
