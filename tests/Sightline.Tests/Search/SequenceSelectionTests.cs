using Sightline.Search;
using Sightline.Sequences;

namespace Sightline.Tests.Search;

/// <summary>
/// The sequence search's selection of a page (<see cref="SequenceSearch.FirstAsync"/>) against the full sort it replaced,
/// on fixed synthetic sets full of ties on the capture time and with bounds above the true capture times.
/// </summary>
public sealed class SequenceSelectionTests
{
    private sealed record Synthetic(Dictionary<int, long> Bounds, Dictionary<int, ISequenceStore.Candidate> Rows);

    /// <summary>
    /// <paramref name="count"/> sequences whose capture times come from only <paramref name="distinctTimes"/> values (so
    /// most tie and the key decides; 0: each its own), each with a bound equal to its time or, for a share of them, later (a sequence
    /// whose earliest image is outside the box or the time window).
    /// </summary>
    private static Synthetic Make(int seed, int count, int distinctTimes, double boundAboveShare)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, distinctTimes).Select(k => 1_500_000_000_000 + k * 1000L + random.Next(1000)).ToArray();
        var bounds = new Dictionary<int, long>();
        var rows = new Dictionary<int, ISequenceStore.Candidate>();
        for (var id = 1; id <= count; id++)
        {
            var time = distinctTimes == 0 ? 1_500_000_000_000 + id * 1000L : times[random.Next(times.Length)];
            rows[id] = new ISequenceStore.Candidate(id, Storage.RandomKey.New(), random.Next(5), time);
            bounds[id] = random.NextDouble() < boundAboveShare ? time + random.NextInt64(1, 300_000) : time;
        }
        return new Synthetic(bounds, rows);
    }

    private static List<ISequenceStore.Candidate> FullSort(Synthetic set)
    {
        var all = set.Rows.Values.ToList();
        all.Sort((a, b) => a.CapturedAt != b.CapturedAt ? b.CapturedAt.CompareTo(a.CapturedAt) : string.CompareOrdinal(a.Key, b.Key));
        return all;
    }

    private static Func<IReadOnlyCollection<int>, Task<IReadOnlyList<ISequenceStore.Candidate>>> Reader(Synthetic set, List<int> log) =>
        ids =>
        {
            log.AddRange(ids);
            return Task.FromResult<IReadOnlyList<ISequenceStore.Candidate>>(ids.Select(id => set.Rows[id]).ToList());
        };

    public static TheoryData<int, int, int, double> Sets => new()
    {
        { 1, 500, 7, 0 },      // a few capture times shared by hundreds: the key orders almost everything
        { 2, 500, 7, 0.5 },    // and half the bounds later than the true time
        { 3, 2000, 400, 0.3 },
        { 4, 2000, 0, 1 },     // every bound later, no ties
        { 5, 40, 1, 0.2 },     // all at one time
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task EveryPageIsTheFullSortsPage(int seed, int count, int distinctTimes, double boundAboveShare)
    {
        var set = Make(seed, count, distinctTimes, boundAboveShare);
        var expected = FullSort(set);
        foreach (var first in new[] { 1, 2, 3, 10, 31, 32, 33, 100, 257, count - 1, count, count + 5 })
        {
            var log = new List<int>();
            var selected = await SequenceSearch.FirstAsync(set.Bounds, first, Reader(set, log));
            Assert.Equal(expected.Take(first).Select(c => c.Key), selected.Select(c => c.Key));
            Assert.Equal(log.Count, log.Distinct().Count()); // no sequence read twice
        }
    }

    [Fact]
    public async Task WithExactBoundsAndNoTiesOnlyAboutThePageIsRead()
    {
        var set = Make(6, 5000, 0, 0);
        Assert.Equal(5000, set.Rows.Values.Select(c => c.CapturedAt).Distinct().Count());
        var log = new List<int>();
        var selected = await SequenceSearch.FirstAsync(set.Bounds, 1, Reader(set, log));
        Assert.Equal(FullSort(set)[0].Key, Assert.Single(selected).Key);
        Assert.True(log.Count < 100, $"read {log.Count} of 5000 sequences for one");
    }

    [Fact]
    public async Task BoundsFarAboveTheTruthStillFindTheNewest()
    {
        // The sequence with the latest bound is really the oldest: the selection must keep reading past it.
        var set = Make(7, 300, 0, 0);
        var oldest = FullSort(set)[^1];
        set.Bounds[(int)oldest.Id] = long.MaxValue;
        var selected = await SequenceSearch.FirstAsync(set.Bounds, 5, Reader(set, []));
        Assert.Equal(FullSort(set).Take(5).Select(c => c.Key), selected.Select(c => c.Key));
    }

    [Fact]
    public async Task ATieWithASequenceNotYetReadIsDecidedByTheKey()
    {
        // The first batch (32) holds the 31 newest and "late", whose bound is far above its time; "early" has the same
        // time and a smaller key but a bound below the batch's: the 32nd place is its, so it must be read.
        var bounds = new Dictionary<int, long>();
        var rows = new Dictionary<int, ISequenceStore.Candidate>();
        void Add(int id, string key, long time, long bound)
        {
            rows[id] = new ISequenceStore.Candidate(id, key, 1, time);
            bounds[id] = bound;
        }
        for (var i = 0; i < 31; i++)
            Add(i + 1, $"new{i:D2}", 10_000 + i, 10_000 + i);
        Add(100, "late", 100, 5000);
        Add(101, "early", 100, 100);
        for (var i = 0; i < 40; i++)
            Add(200 + i, $"old{i:D2}", 50, 50);
        var set = new Synthetic(bounds, rows);

        var selected = await SequenceSearch.FirstAsync(bounds, 32, Reader(set, []));
        Assert.Equal("early", selected[^1].Key);
        Assert.Equal(FullSort(set).Take(32).Select(c => c.Key), selected.Select(c => c.Key));
    }

    [Fact]
    public async Task RowsTheDatabaseNoLongerHasAreLeftOut()
    {
        var set = Make(8, 100, 10, 0.3);
        var gone = FullSort(set).Take(3).Select(c => (int)c.Id).ToHashSet();
        var remaining = FullSort(set).Where(c => !gone.Contains((int)c.Id)).ToList();
        var selected = await SequenceSearch.FirstAsync(set.Bounds, 10,
            ids => Task.FromResult<IReadOnlyList<ISequenceStore.Candidate>>(ids.Where(id => !gone.Contains(id)).Select(id => set.Rows[id]).ToList()));
        Assert.Equal(remaining.Take(10).Select(c => c.Key), selected.Select(c => c.Key));
    }
}
