using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>
/// <c>sightline backup</c> while uploads keep arriving, then <c>sightline restore</c> into a new folder (issue 13): the
/// restored server has every photo acknowledged before the backup began, with its original.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    public async Task ABackupUnderWriteLoadRestoresEveryPhotoAcknowledgedBeforeItBegan()
    {
        var backup = Path.Combine(Path.GetTempPath(), "sightline-tests", "backup-" + Guid.NewGuid().ToString("N"));
        var restored = Path.Combine(Path.GetTempPath(), "sightline-tests", "restored-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await TestServer.StartAsync();
            var uploader = await Uploader.CreateAsync(server, "backed_up", "public:upload public:write");
            var photos = Enumerable.Range(0, 40).Select(i => Photos.Jpeg(new PhotoSpec
            {
                Width = 320, Height = 240, Lat = 48 + i * 0.0001, Lon = 2.3, Taken = new DateTime(2024, 5, 1, 8, 0, 0).AddSeconds(i * 3), Seed = i,
            })).ToArray();

            var acknowledged = new ConcurrentDictionary<int, (string Key, DateTime At)>();
            using var stop = new CancellationTokenSource();
            var next = -1;
            async Task UploadLoop()
            {
                int i;
                while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < photos.Length)
                {
                    var key = await uploader.UploadAsync($"photo-{i}", photos[i]);
                    acknowledged[i] = (key, DateTime.UtcNow);
                }
            }
            var loops = Enumerable.Range(0, 2).Select(_ => Task.Run(UploadLoop)).ToArray();
            while (acknowledged.Count < 8)
                await Task.Delay(20);

            var began = DateTime.UtcNow;
            var before = acknowledged.Where(a => a.Value.At < began).ToDictionary(a => a.Key, a => a.Value.Key);
            var result = await server.AdminAsync("", "backup", "--to", backup); // the uploads go on meanwhile
            stop.Cancel();
            await Task.WhenAll(loops);
            Assert.True(result.GetProperty("images").GetInt64() >= before.Count);
            Assert.False(File.Exists(Path.Combine(backup, "sightline.db-wal")));

            var (exit, output, error) = await TestServer.RunCliAsync("", "restore", "--from", backup, "--data", restored, "--json");
            Assert.True(exit == 0, error);
            Assert.Contains("restored", output);

            await using var again = await TestServer.StartAsync(dataDirectory: restored);
            var restoredUploader = uploader.On(again);
            foreach (var (index, key) in before)
            {
                var image = await restoredUploader.WaitUntilProcessedAsync(key);
                Assert.Equal(48 + index * 0.0001, image.GetProperty("lat").GetDouble(), 6);
                Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync($"/{key}/thumb-320.jpg")).StatusCode);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestServer.DeleteData(backup);
            TestServer.DeleteData(restored);
        }
    }

    [Fact]
    public async Task BackupAndRestoreRefuseAFolderThatIsNotEmpty()
    {
        await using var server = await TestServer.StartAsync();
        var occupied = Path.Combine(Path.GetTempPath(), "sightline-tests", "occupied-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "keep.txt"), "mine");
        try
        {
            var (exit, _, error) = await TestServer.RunCliAsync("", "backup", "--to", occupied, "--data", server.DataDirectory);
            Assert.NotEqual(0, exit);
            Assert.Contains("empty", error);
            (exit, _, error) = await TestServer.RunCliAsync("", "restore", "--from", server.DataDirectory, "--data", occupied);
            Assert.NotEqual(0, exit);
            Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(occupied, "keep.txt")));
        }
        finally
        {
            TestServer.DeleteData(occupied);
        }
    }
}
