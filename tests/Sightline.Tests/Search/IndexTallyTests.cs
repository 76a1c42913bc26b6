using Sightline.Search.Index;
using static Sightline.Tests.Search.InMemoryIndex;

namespace Sightline.Tests.Search;

/// <summary>
/// <see cref="IndexTally"/>: counts of the public images kept in step with the index's changes instead of a scan per
/// version; checked against counting the store's rows over random writes, and at the moment a write lands mid-scan.
/// </summary>
public sealed class IndexTallyTests
{
    private const long Day = 86_400_000;

    // What a scan of the rows gives: public images (no project, not hidden) by sequence.
    private static (long Images, Dictionary<long, long> BySequence) Expected(InMemoryIndex archive)
    {
        var visible = archive.Rows.Images.Values.Where(i => i.ProjectId == 0).ToList();
        return (visible.Count, visible.GroupBy(i => (long)i.SequenceId).ToDictionary(g => g.Key, g => (long)g.Count()));
    }

    private static (long Images, Dictionary<long, long> BySequence) Read(IndexTally tally) =>
        tally.Read((images, byKey) => (images, new Dictionary<long, long>(byKey)));

    [Fact]
    public void FollowsRandomWritesAsAScanWouldCount()
    {
        var random = new Random(7);
        using var archive = new InMemoryIndex(Enumerable.Range(1, 200).Select(id => Image(id, 1 + id % 9, 50, id * Day)).ToArray());
        var scanned = 0;
        using var tally = new IndexTally(archive.Index, image => { Interlocked.Increment(ref scanned); return image.ProjectId == 0 ? image.SequenceId : null; });
        Assert.Equal(Expected(archive), Read(tally), Comparer);
        Assert.Equal(200, scanned);

        for (var round = 0; round < 300; round++)
        {
            // One to five writes: new photos, deletions, moves to another sequence, hiding, moving into a project and back.
            for (var write = random.Next(1, 6); write > 0; write--)
            {
                var id = random.Next(1, 260);
                var project = random.Next(5) switch { 0 => IndexedImage.HiddenProject, 1 => 3, _ => 0 };
                archive.Commit(id, random.Next(4) == 0 ? null : Image(id, random.Next(0, 12), 50, id * Day, projectId: project));
            }
            scanned = 0;
            Assert.Equal(Expected(archive), Read(tally), Comparer);
            Assert.InRange(scanned, 0, 2 * 5); // the changed rows, before and after, not a scan
        }
    }

    [Fact]
    public void AWriteThatLandsWhileTheFirstCountScansIsCountedOnce()
    {
        using var archive = new InMemoryIndex(Enumerable.Range(1, 50).Select(id => Image(id, 1, 50, id * Day)).ToArray());
        var landed = false;
        IndexTally tally = null!;
        tally = new IndexTally(archive.Index, image =>
        {
            if (!landed)
            {
                // In the middle of the first scan another request commits a photo and catches the index up: the tally's
                // event handler sees the step while the counts being made are not installed yet.
                landed = true;
                var other = Task.Run(() =>
                {
                    archive.Commit(51, Image(51, 2, 50, 51 * Day));
                    archive.Index.Current();
                });
                Assert.True(other.Wait(TimeSpan.FromSeconds(30)), "the commit waited for the scan");
            }
            return image.ProjectId == 0 ? image.SequenceId : null;
        });
        using (tally)
        {
            var first = Read(tally);
            Assert.True(landed);
            Assert.Equal(Expected(archive), first, Comparer); // 51 images in two sequences: the step was replayed
            Assert.Equal(51, first.Images);
            archive.Commit(52, Image(52, 2, 50, 52 * Day));
            Assert.Equal(Expected(archive), Read(tally), Comparer);
        }
    }

    [Fact]
    public void AWriteThatTheFirstCountsScanAlreadyHoldsIsNotCountedTwice()
    {
        using var archive = new InMemoryIndex(Enumerable.Range(1, 50).Select(id => Image(id, 1, 50, id * Day)).ToArray());
        using var tally = new IndexTally(archive.Index, image => image.ProjectId == 0 ? image.SequenceId : null);
        // The first read asks the index twice: for the version it must reach, then for the version it scans. A photo
        // committed between the two is caught up by the second, so its step is both in the scan and among the steps
        // seen during it.
        var asked = 0;
        archive.Changes.BeforeEpoch = () =>
        {
            if (++asked == 2)
                archive.Commit(51, Image(51, 2, 50, 51 * Day));
        };
        var first = Read(tally);
        Assert.Equal(2, asked);
        Assert.Equal(51, first.Images);
        Assert.Equal(Expected(archive), first, Comparer);
        archive.Changes.BeforeEpoch = null;
        archive.Commit(52, Image(52, 3, 50, 52 * Day));
        Assert.Equal(Expected(archive), Read(tally), Comparer);
    }

    private static readonly IEqualityComparer<(long Images, Dictionary<long, long> BySequence)> Comparer =
        EqualityComparer<(long Images, Dictionary<long, long> BySequence)>.Create((a, b) =>
            a.Images == b.Images && a.BySequence.Count == b.BySequence.Count && a.BySequence.All(e => b.BySequence.GetValueOrDefault(e.Key) == e.Value));
}
