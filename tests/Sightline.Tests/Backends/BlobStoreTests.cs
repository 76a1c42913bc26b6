using System.Text;
using Sightline.Storage;
using Sightline.Storage.S3;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>What every blob store promises (the file store and the S3 store against s3rver), over the same cases.</summary>
public sealed class BlobStoreTests
{
    public static TheoryData<string> Backends => new() { "file", "s3" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ObjectsAreWrittenReadListedAwayAndDeleted(string backend)
    {
        var (blobs, scratch, cleanup) = await OpenAsync(backend);
        try
        {
            Assert.Null(await blobs.OpenReadAsync("a/b/one.bin"));
            Assert.False(await blobs.ExistsAsync("a/b/one.bin"));

            await blobs.WriteAsync("a/b/one.bin", Encoding.UTF8.GetBytes("first"));
            await blobs.WriteAsync("a/b/one.bin", Encoding.UTF8.GetBytes("second, longer")); // replaces whole
            await blobs.WriteAsync("a/b/two.bin", Encoding.UTF8.GetBytes("two"));
            await blobs.WriteAsync("a/c.bin", Encoding.UTF8.GetBytes("other folder"));
            Assert.Equal("second, longer", await ReadAsync(blobs, "a/b/one.bin"));

            // Content-addressed objects are stored once: adding an existing key keeps the first bytes and drops the file.
            using (var file = scratch.Create())
            {
                await File.WriteAllTextAsync(file.Path, "added");
                Assert.True(await blobs.AddFileAsync("a/added.bin", file.Path));
                Assert.False(File.Exists(file.Path));
            }
            using (var again = scratch.Create())
            {
                await File.WriteAllTextAsync(again.Path, "not this");
                Assert.False(await blobs.AddFileAsync("a/added.bin", again.Path));
                Assert.False(File.Exists(again.Path));
            }
            Assert.Equal("added", await ReadAsync(blobs, "a/added.bin"));

            // Listing (the start-up sweep of orphaned originals): every key under the prefix, nested folders included,
            // with a write time no later than now.
            var listed = new List<BlobEntry>();
            await foreach (var entry in blobs.ListAsync("a/"))
                listed.Add(entry);
            Assert.Equal(["a/added.bin", "a/b/one.bin", "a/b/two.bin", "a/c.bin"], listed.Select(e => e.Key).Order(StringComparer.Ordinal));
            Assert.All(listed, e => Assert.True(e.LastModified <= DateTimeOffset.UtcNow.AddMinutes(1), $"{e.Key} at {e.LastModified}"));
            await foreach (var _ in blobs.ListAsync("nothing/"))
                Assert.Fail("an empty prefix lists nothing");

            await blobs.DeletePrefixAsync("a/b/");
            Assert.False(await blobs.ExistsAsync("a/b/one.bin"));
            Assert.False(await blobs.ExistsAsync("a/b/two.bin"));
            Assert.True(await blobs.ExistsAsync("a/c.bin"));

            await blobs.DeleteAsync("a/c.bin");
            await blobs.DeleteAsync("a/c.bin"); // gone already: nothing happens
            Assert.Null(await blobs.OpenReadAsync("a/c.bin"));
        }
        finally
        {
            cleanup();
        }
    }

    // A photo's deletion and the worker that was processing it both remove its thumbnails' folder, at the same moment
    // (the worker waits for the deletion's transaction): neither may fail because the other got there first.
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task APrefixDeletedSeveralTimesAtOnceIsDeletedWithoutAnError(string backend)
    {
        var (blobs, _, cleanup) = await OpenAsync(backend);
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var prefix = $"thumbs/{round}/";
                for (var i = 0; i < 40; i++)
                    await blobs.WriteAsync($"{prefix}{i % 4}/{i}.jpg", Encoding.UTF8.GetBytes($"thumbnail {i}"));
                await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => blobs.DeletePrefixAsync(prefix))));
                await foreach (var left in blobs.ListAsync(prefix))
                    Assert.Fail($"{left.Key} is left");
            }
        }
        finally
        {
            cleanup();
        }
    }

    private static async Task<string> ReadAsync(IBlobStore blobs, string key)
    {
        var blob = await blobs.OpenReadAsync(key) ?? throw new InvalidOperationException($"{key} is missing");
        await using (blob.Content)
        {
            using var reader = new StreamReader(blob.Content);
            var text = await reader.ReadToEndAsync();
            Assert.Equal(Encoding.UTF8.GetByteCount(text), blob.Length);
            return text;
        }
    }

    private static async Task<(IBlobStore Blobs, ScratchFiles Scratch, Action Cleanup)> OpenAsync(string backend)
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        var options = new StorageOptions { DataDirectory = data };
        var scratch = new ScratchFiles(options);
        if (backend == "file")
            return (new FileBlobStore(options), scratch, () => TestServer.DeleteData(data));
        var peer = await S3Peer.GetAsync();
        var s3 = new S3BlobStore(new Uri($"s3://{S3Peer.Bucket}/{Guid.NewGuid():N}"),
            new S3Options { ServiceUrl = peer.ServiceUrl.AbsoluteUri, AccessKey = S3Peer.AccessKey, SecretKey = S3Peer.SecretKey }, scratch);
        return (s3, scratch, () => { s3.Dispose(); TestServer.DeleteData(data); });
    }
}
