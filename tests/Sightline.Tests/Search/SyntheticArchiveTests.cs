using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Search.Bench;
using Sightline.Sequences;
using Sightline.Storage.Sqlite;

namespace Sightline.Tests.Search;

/// <summary><c>sightline bench-data</c>'s generator writes rows like a real archive: every photo with its course.</summary>
public sealed class SyntheticArchiveTests
{
    [Fact]
    public void EveryPhotoHasTheCourseTheSequenceAssemblyWouldGiveIt()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            var database = new Database(data);
            database.Migrate();
            new SyntheticArchive(database, 7).Generate(3000, TextWriter.Null);

            using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "sightline.db")};Pooling=False");
            var rows = connection.Query<(long Id, long SequenceId, double Lat, double Lon, double? Course)>(
                "SELECT id, sequence_id, lat, lon, course FROM images ORDER BY sequence_id, captured_at, id").AsList();
            Assert.Equal(3000, rows.Count);
            Assert.All(rows, r => Assert.NotNull(r.Course));
            var turns = 0;
            foreach (var sequence in rows.GroupBy(r => r.SequenceId))
            {
                var walk = sequence.Select(r => new TravelDirection.Member(r.Id, r.Lat, r.Lon, null)).ToList();
                var stored = sequence.Select(r => r.Course!.Value).ToList();
                for (var n = 0; n < walk.Count; n++)
                    Assert.Equal(TravelDirection.CourseAt(walk, n), stored[n], 3);
                turns += stored.Distinct().Count();
            }
            Assert.True(turns > rows.GroupBy(r => r.SequenceId).Count(), "the walks should change direction");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
