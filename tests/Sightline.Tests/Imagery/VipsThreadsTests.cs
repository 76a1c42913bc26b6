using Sightline.Processing;

namespace Sightline.Tests.Imagery;

/// <summary>How many threads libvips gives each photo: the cores shared among the workers, unless set (issue 14).</summary>
public sealed class VipsThreadsTests
{
    [Theory]
    [InlineData(2, 2, 1)] // the 2-core machine this server is sized for: one thread a photo, two photos at once
    [InlineData(8, 4, 2)]
    [InlineData(8, 1, 8)] // one worker has every core
    [InlineData(2, 4, 1)] // more workers than cores: never fewer than one
    [InlineData(4, 3, 1)]
    public void DefaultSharesTheCoresAmongTheWorkers(int cores, int workers, int expected) =>
        Assert.Equal(expected, new ProcessingOptions { Workers = workers }.VipsThreadsPerPhoto(cores));

    [Fact]
    public void ASetValueIsTaken() =>
        Assert.Equal(3, new ProcessingOptions { Workers = 2, VipsThreads = 3 }.VipsThreadsPerPhoto(2));

    [Fact]
    public void ZeroWorkersStillGivesEachPhotoTheCores() =>
        Assert.Equal(2, new ProcessingOptions { Workers = 0 }.VipsThreadsPerPhoto(2));
}
