using Sightline.Search.Index;
using Sightline.Storage;

namespace Sightline.Tests.Search;

/// <summary>The index's parts against brute force: the packed tree, the overlay, the top-k selection, the snapshot file.</summary>
public sealed class PointTreeTests
{
    private static IndexedImage[] RandomImages(Random random, int count, int firstId = 1)
    {
        var images = new IndexedImage[count];
        for (var i = 0; i < count; i++)
        {
            // Half in a dense city, the rest anywhere (poles and antimeridian included), some exact duplicates.
            var (lat, lon) = i % 2 == 0
                ? (48.85 + random.NextDouble() * 0.05, 2.3 + random.NextDouble() * 0.05)
                : (random.NextDouble() * 180 - 90, random.NextDouble() * 360 - 180);
            if (i % 50 == 1)
                (lat, lon) = (images[i - 1].Lat, images[i - 1].Lon);
            images[i] = new IndexedImage
            {
                Id = firstId + i, Lat = lat, Lon = lon, CapturedAt = random.NextInt64(1_000_000), Ca = (float)(random.NextDouble() * 360),
                UserId = random.Next(5), KeyHigh = (ulong)random.NextInt64(), KeyLow = (ulong)random.NextInt64(),
            };
        }
        return images;
    }

    private static GeoBox RandomBox(Random random)
    {
        if (random.Next(3) == 0)
        {
            var lat = 48.85 + random.NextDouble() * 0.05;
            var lon = 2.3 + random.NextDouble() * 0.05;
            return new GeoBox(lat, lon, lat + random.NextDouble() * 0.01, lon + random.NextDouble() * 0.01);
        }
        var minLat = random.NextDouble() * 180 - 90;
        var minLon = random.NextDouble() * 360 - 180;
        return new GeoBox(minLat, minLon, Math.Min(90, minLat + random.NextDouble() * 30), Math.Min(180, minLon + random.NextDouble() * 30));
    }

    private struct Ids(List<int> found) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image) => found.Add(image.Id);
    }

    private static List<int> Scan(IndexState state, ImageFilter filter)
    {
        var found = new List<int>();
        var visitor = new Ids(found);
        state.Scan(filter, ref visitor);
        found.Sort();
        return found;
    }

    [Fact]
    public void TheTreeFindsExactlyThePointsInsideRandomBoxes()
    {
        var random = new Random(3);
        var images = RandomImages(random, 20_000);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        for (var n = 0; n < 300; n++)
        {
            var box = RandomBox(random);
            var expected = images.Where(i => box.Contains(i.Lat, i.Lon)).Select(i => i.Id).Order().ToList();
            Assert.Equal(expected, Scan(state, new ImageFilter { Areas = [box] }));
        }
        Assert.Equal(images.Length, Scan(state, new ImageFilter()).Count);
    }

    [Fact]
    public void ChangesInTheOverlayReplaceTheBaseAndSurviveCompaction()
    {
        var random = new Random(4);
        var images = RandomImages(random, 5000);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        var expected = images.ToDictionary(i => i.Id);
        for (var round = 1; round <= 5; round++)
        {
            var changes = new Dictionary<int, IndexedImage?>();
            foreach (var id in Enumerable.Range(0, 200).Select(_ => 1 + random.Next(5000 + round * 100)))
            {
                if (random.Next(3) == 0)
                {
                    changes[id] = null; // deleted
                    expected.Remove(id);
                }
                else
                {
                    var moved = RandomImages(random, 1, id)[0];
                    changes[id] = moved;
                    expected[id] = moved;
                }
            }
            state = state.With(changes, round);
            Assert.Equal(round, state.LastChange);
            foreach (var candidate in new[] { state, state.Compacted() })
            {
                Assert.Equal(expected.Count, candidate.Count);
                for (var n = 0; n < 30; n++)
                {
                    var box = RandomBox(random);
                    Assert.Equal(expected.Values.Where(i => box.Contains(i.Lat, i.Lon)).Select(i => i.Id).Order().ToList(),
                        Scan(candidate, new ImageFilter { Areas = [box] }));
                }
            }
        }
    }

    [Fact]
    public void OneUsersImagesAreExactlyTheBruteForceAnswerWithOrWithoutAreasAndAcrossChanges()
    {
        // Users 0-4 have about 4,000 images each (read from their lists even with areas); user 7 has 30,000, past the
        // list's limit with areas (the tree then), all in the city; user 9 has none.
        var random = new Random(13);
        var images = RandomImages(random, 20_000).Concat(RandomImages(random, 30_000, firstId: 20_001)
            .Select((i, n) => i with { UserId = 7, Lat = 48.85 + (n % 173) * 0.0003, Lon = 2.3 + (n % 167) * 0.0003 })).ToArray();
        var expected = images.ToDictionary(i => i.Id);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        for (var round = 0; round < 3; round++)
        {
            foreach (var candidate in new[] { state, state.Compacted() })
            {
                foreach (var user in new[] { 0, 3, 7, 9, 1000 })
                {
                    var all = expected.Values.Where(i => i.UserId == user).Select(i => i.Id).Order().ToList();
                    Assert.Equal(all, Scan(candidate, new ImageFilter { UserId = user }));
                    for (var n = 0; n < 10; n++)
                    {
                        IReadOnlyList<GeoBox> areas = n % 2 == 0 ? [RandomBox(random)] : [RandomBox(random), RandomBox(random)];
                        var inAreas = expected.Values.Where(i => i.UserId == user && areas.Any(a => a.Contains(i.Lat, i.Lon)))
                            .Select(i => i.Id).Order().ToList();
                        Assert.Equal(inAreas, Scan(candidate, new ImageFilter { UserId = user, Areas = areas }));
                    }
                }
            }
            // Some images change hands, move or go; new ones come.
            var changes = new Dictionary<int, IndexedImage?>();
            foreach (var id in Enumerable.Range(0, 300).Select(_ => 1 + random.Next(52_000)))
            {
                if (random.Next(3) == 0)
                {
                    changes[id] = null;
                    expected.Remove(id);
                }
                else
                {
                    var moved = RandomImages(random, 1, id)[0] with { UserId = random.Next(2) == 0 ? 7 : random.Next(5) };
                    changes[id] = moved;
                    expected[id] = moved;
                }
            }
            state = state.With(changes, round + 1);
        }
    }

    private readonly struct Kept(TopK top) : IndexState.IOrderedVisitor
    {
        public bool Enough => top.Full;

        public void Visit(in IndexedImage image) => top.Offer(new Hit(image, 0));
    }

    private static readonly Comparison<Hit> OldestFirst = (a, b) =>
    {
        var byTime = a.Image.CapturedAt.CompareTo(b.Image.CapturedAt);
        return byTime != 0 ? byTime : IndexedImage.CompareKeys(a.Image, b.Image);
    };

    // Capture times from 300 values, so that long runs of equal times are ordered by key; some images hidden.
    private static IndexedImage[] TimedImages(Random random, int count, int firstId = 1) =>
        RandomImages(random, count, firstId).Select(i => i with
        {
            CapturedAt = random.Next(300) * 1000L, ProjectId = random.Next(20) == 0 ? IndexedImage.HiddenProject : 0,
        }).ToArray();

    private static ImageFilter RandomTimeFilter(Random random, int n)
    {
        long Time() => random.Next(-5, 305) * 1000L + (random.Next(4) == 0 ? random.Next(-1, 2) : 0);
        return (n % 6) switch
        {
            0 => new ImageFilter(),
            1 => new ImageFilter { CapturedFrom = Time(), CapturedTo = Time() }, // sometimes from after to: nothing
            2 => random.Next(2) == 0 ? new ImageFilter { CapturedFrom = Time() } : new ImageFilter { CapturedTo = Time() },
            3 => new ImageFilter { Angles = (random.Next(360), random.Next(360)), HiddenOwnerId = random.Next(5) },
            4 => new ImageFilter { UserId = random.Next(6), CapturedTo = Time() },
            _ => new ImageFilter { Areas = [RandomBox(random)], CapturedFrom = Time() },
        };
    }

    [Fact]
    public void SearchesInTimeOrderFindTheFirstImagesOfTheOrderAcrossChangesAndCompaction()
    {
        var random = new Random(15);
        var images = TimedImages(random, 20_000);
        var expected = images.ToDictionary(i => i.Id);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        for (var round = 0; round < 3; round++)
        {
            foreach (var candidate in new[] { state, state.Compacted() })
            {
                for (var n = 0; n < 60; n++)
                {
                    var filter = RandomTimeFilter(random, n);
                    foreach (var oldestFirst in new[] { false, true })
                    {
                        var order = oldestFirst ? OldestFirst : HitOrder.NewestFirst;
                        var all = expected.Values.Where(i => filter.Matches(i) && filter.InAreas(i.Lat, i.Lon)).Select(i => new Hit(i, 0)).ToList();
                        all.Sort(order);
                        foreach (var capacity in new[] { 1, 21, 1000 })
                        {
                            var top = new TopK(capacity, order);
                            var visitor = new Kept(top);
                            Assert.True(candidate.TryScanInTimeOrder(filter, oldestFirst, ref visitor, int.MaxValue));
                            Assert.Equal(all.Take(capacity).Select(h => h.Image.Id), top.Sorted().Select(h => h.Image.Id));
                        }
                    }
                }
            }
            // Some images move in time or go; new ones come (into the overlay, over the same base and its order).
            var changes = new Dictionary<int, IndexedImage?>();
            foreach (var id in Enumerable.Range(0, 400).Select(_ => 1 + random.Next(21_000)))
            {
                if (random.Next(3) == 0)
                {
                    changes[id] = null;
                    expected.Remove(id);
                }
                else
                {
                    var moved = TimedImages(random, 1, id)[0];
                    changes[id] = moved;
                    expected[id] = moved;
                }
            }
            state = state.With(changes, round + 1);
        }
    }

    [Fact]
    public void TheTreesEstimateBoundsTheItemsInABoxAndTellsWhenTimeOrderPays()
    {
        var random = new Random(17);
        var images = RandomImages(random, 200_000); // a level of 782 nodes of 256 items
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        var tree = PointTree.Index(state.BaseItems.ToArray(), images.Length);
        for (var n = 0; n < 200; n++)
        {
            var box = RandomBox(random);
            var (inside, touching) = tree.Estimate(box);
            var actual = images.Count(i => box.Contains(i.Lat, i.Lon));
            Assert.InRange(actual, inside, touching);
        }
        Assert.Equal((200_000L, 200_000L), tree.Estimate(GeoBox.World));
        Assert.True(state.PrefersTimeOrder(new ImageFilter(), 21));
        Assert.True(state.PrefersTimeOrder(new ImageFilter { Areas = [GeoBox.World], CapturedFrom = 5 }, 1001));
        Assert.True(state.PrefersTimeOrder(new ImageFilter { Areas = [new GeoBox(-90, -180, 90, 0)] }, 21));
        Assert.False(state.PrefersTimeOrder(new ImageFilter { Areas = [new GeoBox(48.85, 2.3, 48.851, 2.301)] }, 21)); // a street
        Assert.False(state.PrefersTimeOrder(new ImageFilter { Areas = [new GeoBox(10, 10, 10.5, 10.5)] }, 21)); // nothing there
        Assert.False(state.PrefersTimeOrder(new ImageFilter { UserId = 3 }, 21)); // the user's own list
        Assert.False(state.PrefersTimeOrder(new ImageFilter { ProjectId = 5 }, 21));
    }

    [Fact]
    public async Task ACompactionMakesTheOrdersSearchesUsedForItsNewBaseAtOnce()
    {
        var images = TimedImages(new Random(18), 5000);
        var state = IndexState.FromBase(images, images.Length, 0);
        var bare = state.Compacted().MemoryBytes; // nothing asked for yet: nothing made again
        var visitor = new Kept(new TopK(20, HitOrder.NewestFirst));
        state.TryScanInTimeOrder(new ImageFilter(), oldestFirst: false, ref visitor, int.MaxValue);
        Scan(state, new ImageFilter { UserId = 2 });
        Assert.True(state.MemoryBytes > bare, "the time order and the users' lists are held once made");

        var packed = state.Compacted();
        for (var waited = 0; packed.MemoryBytes < state.MemoryBytes && waited < 300; waited++)
            await Task.Delay(100);
        Assert.Equal(state.MemoryBytes, packed.MemoryBytes);
    }

    [Fact]
    public void ImagesLookedUpByIdAreTheScansImagesWithThoseIds()
    {
        var random = new Random(19);
        var images = TimedImages(random, 20_000);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0);
        // Some gone, some moved (in the overlay), some new.
        var changes = new Dictionary<int, IndexedImage?>();
        foreach (var id in Enumerable.Range(0, 300).Select(_ => 1 + random.Next(20_500)))
            changes[id] = random.Next(3) == 0 ? null : TimedImages(random, 1, id)[0];
        foreach (var candidate in new[] { state.With(changes, 1), state.With(changes, 1).Compacted() })
        {
            for (var n = 0; n < 60; n++)
            {
                var filter = RandomTimeFilter(random, n);
                var ids = Enumerable.Range(0, random.Next(1, 400)).Select(_ => 1 + random.Next(21_000)).ToList(); // repeats too
                var found = new List<int>();
                var visitor = new Ids(found);
                candidate.VisitIds(ids, filter, ref visitor);
                found.Sort();
                Assert.Equal(Scan(candidate, filter).Where(ids.Contains).ToList(), found);
            }
            Assert.InRange(candidate.ScanSize(new ImageFilter { Areas = [new GeoBox(48.85, 2.3, 48.9, 2.35)] }), 10_000, 12_000);
            Assert.Equal(candidate.BaseCount + candidate.OverlayCount, candidate.ScanSize(new ImageFilter())); // the scan reads the replaced too
            Assert.Equal(0, candidate.ScanSize(new ImageFilter { UserId = ImageFilter.Nobody }));
        }
    }

    [Fact]
    public void ASearchInTimeOrderGivesUpOnAFilterFewImagesPass()
    {
        var random = new Random(16);
        var images = TimedImages(random, 5000);
        var state = IndexState.FromBase(images, images.Length, 0);
        var top = new TopK(20, HitOrder.NewestFirst);
        var visitor = new Kept(top);
        Assert.False(state.TryScanInTimeOrder(new ImageFilter { UserId = 99 }, oldestFirst: false, ref visitor, budget: 1000));
        Assert.False(state.TryScanInTimeOrder(new ImageFilter { UserId = 99 }, oldestFirst: true, ref visitor, budget: 1000));
        // Within the budget when the filter is wide; and a time window with nothing in it is no reading at all.
        Assert.True(state.TryScanInTimeOrder(new ImageFilter(), oldestFirst: true, ref visitor, budget: 1000));
        Assert.True(top.Full);
        var empty = new Kept(new TopK(20, HitOrder.NewestFirst));
        Assert.True(state.TryScanInTimeOrder(new ImageFilter { UserId = 99, CapturedFrom = 5, CapturedTo = 6 }, oldestFirst: false, ref empty, budget: 1));
    }

    [Fact]
    public void AnImageInSeveralOverlappingAreasIsVisitedOnce()
    {
        var random = new Random(14);
        var images = RandomImages(random, 20_000);
        var state = IndexState.FromBase((IndexedImage[])images.Clone(), images.Length, 0)
            .With(new Dictionary<int, IndexedImage?> { [1] = images[0] with { Lat = 48.86, Lon = 2.31 } }, 1);
        var city = new GeoBox(48.85, 2.3, 48.9, 2.35);
        IReadOnlyList<GeoBox> areas = [city, new GeoBox(48.85, 2.3, 48.88, 2.33), city, new GeoBox(48.87, 2.32, 48.9, 2.35)];
        var expected = images.Select(i => i.Id == 1 ? i with { Lat = 48.86, Lon = 2.31 } : i)
            .Where(i => city.Contains(i.Lat, i.Lon)).Select(i => i.Id).Order().ToList();
        Assert.Equal(expected, Scan(state, new ImageFilter { Areas = areas }));
        Assert.Equal(expected.Where(id => images[id - 1].UserId == 2),
            Scan(state, new ImageFilter { Areas = areas, UserId = 2 }));
    }

    [Fact]
    public void TopKKeepsTheFirstItemsOfTheOrder()
    {
        var random = new Random(5);
        var hits = RandomImages(random, 3000).Select(i => new Hit(i with { CapturedAt = i.CapturedAt % 50 }, 0)).ToList();
        foreach (var k in new[] { 1, 2, 21, 999, 5000 })
        {
            var top = new TopK(k, HitOrder.NewestFirst);
            foreach (var hit in hits)
                top.Offer(hit);
            var expected = hits.OrderByDescending(h => h.Image.CapturedAt).ThenBy(h => h.Image.Key, StringComparer.Ordinal).Take(k);
            Assert.Equal(expected.Select(h => h.Image.Key), top.Sorted().Select(h => h.Image.Key));
        }
    }

    [Fact]
    public void KeysRoundTripAndCompareAsStrings()
    {
        var keys = Enumerable.Range(0, 500).Select(_ => Storage.RandomKey.New()).ToList();
        var images = keys.Select(k => { var image = new IndexedImage(); Assert.True(image.TrySetKey(k)); return image; }).ToList();
        Assert.Equal(keys, images.Select(i => i.Key));
        var sorted = images.ToArray();
        Array.Sort(sorted, (a, b) => IndexedImage.CompareKeys(a, b));
        Assert.Equal(keys.Order(StringComparer.Ordinal), sorted.Select(i => i.Key));
        Assert.False(new IndexedImage().TrySetKey("too-short"));
    }

    [Fact]
    public void KeysDifferingInAnyOneBitCompareAsStrings()
    {
        // Random keys differ in their first characters; these differ in one bit, so every 6-bit group decides once,
        // the one across the two halves and the 22nd character's two bits included.
        var random = new Random(11);
        for (var round = 0; round < 20; round++)
        {
            var x = new IndexedImage { KeyHigh = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63), KeyLow = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63) };
            for (var bit = 0; bit < 128; bit++)
            {
                var y = x;
                if (bit < 64)
                    y.KeyLow ^= 1UL << bit;
                else
                    y.KeyHigh ^= 1UL << (bit - 64);
                var expected = Math.Sign(string.CompareOrdinal(x.Key, y.Key));
                Assert.Equal(expected, Math.Sign(IndexedImage.CompareKeys(x, y)));
                Assert.Equal(-expected, Math.Sign(IndexedImage.CompareKeys(y, x)));
            }
            Assert.Equal(0, IndexedImage.CompareKeys(x, x));
        }
    }

    [Fact]
    public void TopKPagesAreTheSortedHitsSlices()
    {
        var random = new Random(12);
        var hits = RandomImages(random, 500).Select(i => new Hit(i, random.Next(30) + random.NextDouble())).ToList();
        foreach (var (offset, limit) in new[] { (0, 20), (20, 20), (480, 20), (490, 20), (600, 20), (0, 1) })
        {
            var reference = new TopK(offset + limit + 1, HitOrder.Nearest);
            var paged = new TopK<HitOrder.NearestOrder>(offset + limit + 1, default);
            foreach (var hit in hits)
            {
                reference.Offer(hit);
                paged.Offer(hit);
            }
            var sorted = reference.Sorted();
            var page = paged.TakePage(offset, limit, out var more);
            Assert.Equal(sorted.Skip(offset).Take(limit).Select(h => h.Image.Key), page.Select(h => h.Image.Key));
            Assert.Equal(sorted.Length > offset + limit, more);
        }
    }

    [Fact]
    public void TheSnapshotReadsBackWhatWasWritten()
    {
        var images = RandomImages(new Random(6), 10_000);
        var state = IndexState.FromBase(images, images.Length, 0);
        var path = Path.Combine(Path.GetTempPath(), $"sightline-snapshot-{Guid.NewGuid():N}.bin");
        try
        {
            IndexSnapshot.Write(path, state.BaseItems, 42);
            var (read, lastChange) = IndexSnapshot.Read(path)!.Value;
            Assert.Equal(42, lastChange);
            Assert.True(state.BaseItems.SequenceEqual(read));
            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.Null(IndexSnapshot.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
