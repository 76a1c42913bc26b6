using NetVips;
using Sightline.Uploads;
using Vips = NetVips.Image;

namespace Sightline.Tests.Imagery;

/// <summary>The upload's cheap check: a JPEG is whole from its start to its end marker, without decoding it.</summary>
public sealed class JpegStructureTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sightline-jpeg-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private bool Check(byte[] bytes)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".jpg");
        File.WriteAllBytes(path, bytes);
        return JpegStructure.IsComplete(path);
    }

    private static byte[] Noisy(bool progressive, int restartInterval = 0)
    {
        using var noise = Vips.Gaussnoise(900, 700, mean: 128, sigma: 40);
        using var colour = noise.Bandjoin(noise, noise).Cast(Enums.BandFormat.Uchar);
        return colour.JpegsaveBuffer(q: 90, interlace: progressive, restartInterval: restartInterval);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 4)]
    public void AWholeJpegIsComplete(bool progressive, int restartInterval) => Assert.True(Check(Noisy(progressive, restartInterval)));

    [Fact]
    public void APhotoWithExifIsComplete() =>
        Assert.True(Check(Photos.NoisyJpeg(new PhotoSpec { Width = 800, Height = 600, Lat = 1, Lon = 2, Taken = new DateTime(2024, 1, 1) })));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryTruncationIsIncomplete(bool progressive)
    {
        var whole = Noisy(progressive);
        foreach (var length in new[] { 1, 2, 3, 20, 200, whole.Length / 10, whole.Length / 2, whole.Length * 9 / 10, whole.Length - 2, whole.Length - 1 })
            Assert.False(Check(whole[..length]), $"cut at {length} of {whole.Length} bytes");
    }

    [Fact]
    public void BytesThatAreNotAJpegAreIncomplete()
    {
        var junk = new byte[5000];
        new Random(7).NextBytes(junk);
        Assert.False(Check(junk));
        Assert.False(Check([0xFF, 0xD8, 0xFF, 0xD9])); // start and end, but no frame and no scan
    }
}
