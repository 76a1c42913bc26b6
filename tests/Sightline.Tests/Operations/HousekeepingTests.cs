using System.Net.Http.Headers;
using Sightline.Tests.Community;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>Housekeeping (issue 13): orphaned originals are swept at start; an oversized avatar is refused like a photo.</summary>
public sealed class HousekeepingTests
{
    [Fact]
    public async Task AnOriginalNoUploadRefersToIsSweptAtStartAndAReferencedOneStays()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", "sweep-" + Guid.NewGuid().ToString("N"));
        try
        {
            string kept;
            await using (var server = await TestServer.StartAsync(dataDirectory: data))
            {
                var uploader = await Uploader.CreateAsync(server, "sweeper");
                await uploader.UploadProcessedAsync("kept", Photos.Jpeg(new PhotoSpec { Lat = 45, Lon = 5, Taken = new DateTime(2024, 1, 1) }));
                kept = Directory.EnumerateFiles(Path.Combine(data, "originals"), "*.jpg", SearchOption.AllDirectories).Single();
            }
            // What a crash between the original's rename and the upload's commit leaves behind, from a while ago.
            var orphan = Path.Combine(data, "originals", "ab", "ab" + new string('0', 62) + ".jpg");
            Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
            await File.WriteAllBytesAsync(orphan, [0xFF, 0xD8, 0xFF, 0xD9]);
            File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-1));
            File.SetLastWriteTimeUtc(kept, DateTime.UtcNow.AddHours(-1));
            // A fresh one may belong to an import between its two steps: it stays until a later start.
            var fresh = Path.Combine(data, "originals", "cd", "cd" + new string('1', 62) + ".jpg");
            Directory.CreateDirectory(Path.GetDirectoryName(fresh)!);
            await File.WriteAllBytesAsync(fresh, [0xFF, 0xD8, 0xFF, 0xD9]);

            await using (var restarted = await TestServer.StartAsync(dataDirectory: data))
            {
                Assert.False(File.Exists(orphan));
                Assert.True(File.Exists(kept));
                Assert.True(File.Exists(fresh));
            }
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    [Fact]
    public async Task AnAvatarOverThePixelLimitIsRefusedBeforeItIsDecoded()
    {
        await using var server = await TestServer.StartAsync();
        var member = await Member.CreateAsync(server, "huge_face", "user:write user:read");
        var claimed = Photos.WithClaimedSize(Photos.Jpeg(new PhotoSpec { Width = 64, Height = 64 }), 10_000, 8_000);
        var content = new ByteArrayContent(claimed);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await member.SendAsync(HttpMethod.Post, "/v2/me/avatar", content);
        var message = await ContractAssert.Error(response, "parameter_invalid");
        Assert.Contains("megapixels", message);
    }
}

/// <summary>The search change log is trimmed while the server runs, not only at a clean stop (issue 13).</summary>
public sealed class ChangeLogTrimTests
{
    [Fact]
    public async Task TheChangeLogIsTrimmedWhileRunning()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Search:SnapshotMinutes"] = "0.01", ["Search:RetainedChanges"] = "0",
        });
        var uploader = await Uploader.CreateAsync(server, "trimmer");
        await uploader.UploadProcessedAsync("one", Photos.Jpeg(new PhotoSpec { Lat = 45, Lon = 5, Taken = new DateTime(2024, 1, 1) }));
        var deadline = DateTime.UtcNow.AddSeconds(60); // a safety net, not a timing assertion
        while (ChangeLogEntries(server.DataDirectory) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the change log was not trimmed while the server ran");
            await Task.Delay(100);
        }
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "search-index.bin")));
    }

    [Fact]
    public async Task TheLastChangesStayInTheLogForOtherNodes()
    {
        // Another node (or a second server on the folder) applies the log when it next searches: trimming keeps
        // Search:RetainedChanges entries behind the snapshot (TrimmedChangeLogTests shows what a node does when it is further behind).
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Search:SnapshotMinutes"] = "0.01" });
        var uploader = await Uploader.CreateAsync(server, "keeper");
        await uploader.UploadProcessedAsync("one", Photos.Jpeg(new PhotoSpec { Lat = 45, Lon = 5, Taken = new DateTime(2024, 1, 1) }));
        var snapshot = Path.Combine(server.DataDirectory, "search-index.bin");
        var deadline = DateTime.UtcNow.AddSeconds(60); // a safety net, not a timing assertion
        while (!File.Exists(snapshot))
        {
            Assert.True(DateTime.UtcNow < deadline, "no snapshot was saved while the server ran");
            await Task.Delay(100);
        }
        await Task.Delay(1500); // a few more saving rounds (every 0.6 s)
        Assert.True(ChangeLogEntries(server.DataDirectory) > 0);
    }

    private static long ChangeLogEntries(string data)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "sightline.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM search_changes";
        return (long)command.ExecuteScalar()!;
    }
}
