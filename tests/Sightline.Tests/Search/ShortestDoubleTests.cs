using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sightline.Search;

namespace Sightline.Tests.Search;

/// <summary>
/// <see cref="ShortestDouble"/> writes what <see cref="Utf8JsonWriter"/> writes for a double, or declines: compared on
/// millions of doubles (random bit patterns over its whole range, coordinates, short decimals, powers of ten and their
/// neighbours, the range's edges).
/// </summary>
public sealed class ShortestDoubleTests
{
    private readonly ArrayBufferWriter<byte> buffer = new();
    private readonly Utf8JsonWriter writer;

    public ShortestDoubleTests() => writer = new Utf8JsonWriter(buffer);

    private string WriterText(double value)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteNumberValue(value);
        writer.Flush();
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    // Returns whether it formatted; fails on any difference from the writer.
    private bool Check(double value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        if (!ShortestDouble.TryFormat(value, text, out var written))
            return false;
        var ours = Encoding.ASCII.GetString(text[..written]);
        var expected = WriterText(value);
        if (expected != ours)
            Assert.Fail($"{value:R} (bits {BitConverter.DoubleToInt64Bits(value):X}): writer {expected}, ours {ours}");
        return true;
    }

    [Fact]
    public void RandomDoublesAcrossTheRangeAreWrittenAsTheWriterWritesThem()
    {
        var random = new Random(14);
        var lowest = BitConverter.DoubleToInt64Bits(1e-4);
        var highest = BitConverter.DoubleToInt64Bits(1e15);
        var formatted = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64(lowest - 1000, highest + 1000));
            if (Check(random.Next(2) == 0 ? value : -value))
                formatted++;
            else if (value is >= 1e-4 and < 1e6)
                Assert.Fail($"{value:R} declined"); // below 1e6 an exact tie cannot happen: v has 33 binary places or more
        }
        Assert.True(formatted > 990_000, $"only {formatted} of 1,000,000 formatted");
    }

    [Fact]
    public void CoordinatesAndAnglesAreWrittenAsTheWriterWritesThem()
    {
        var random = new Random(15);
        for (var i = 0; i < 500_000; i++)
        {
            Assert.True(Check(random.NextDouble() * 180 - 90 is var lat && lat != 0 ? lat : 1));
            Assert.True(Check(random.NextDouble() * 360 - 180 is var lon && lon != 0 ? lon : 1));
            Check(random.NextDouble() * 360); // compass angles
            // Coordinates as a device or a parser hands them over: a few decimals.
            var places = random.Next(1, 10);
            Assert.True(Check(Math.Round(random.NextDouble() * 179 + 0.5, places)));
        }
    }

    [Fact]
    public void ShortDecimalsPowersOfTenAndTheirNeighboursAreWrittenAsTheWriterWritesThem()
    {
        var formatted = 0;
        for (var exponent = -4; exponent <= 15; exponent++)
        {
            for (var digits = 1; digits <= 9999; digits += 7)
            {
                var value = double.Parse($"{digits}e{exponent - 4}", CultureInfo.InvariantCulture);
                foreach (var near in new[] { value, Math.BitDecrement(value), Math.BitIncrement(value) })
                {
                    if (Check(near))
                        formatted++;
                    else if (near is >= 1e-4 and < 1e6)
                        Assert.Fail($"{near:R} declined");
                    Check(-near);
                }
            }
            var power = double.Parse($"1e{exponent}", CultureInfo.InvariantCulture);
            for (double v = power, k = 0; k < 50; k++, v = Math.BitIncrement(v))
                Check(v);
            for (double v = power, k = 0; k < 50; k++, v = Math.BitDecrement(v))
                Check(v);
        }
        Assert.True(formatted > 75_000, $"only {formatted} formatted");
        // Powers of two (the lower gap is half the upper one there).
        for (var e = -13; e < 50; e++)
            Assert.True(Check(Math.ScaleB(1.0, e)));
    }

    private string WriterText(float value)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteNumberValue(value);
        writer.Flush();
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    private bool Check(float value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        if (!ShortestDouble.TryFormat(value, text, out var written))
            return false;
        var ours = Encoding.ASCII.GetString(text[..written]);
        var expected = WriterText(value);
        if (expected != ours)
            Assert.Fail($"{value:R}f (bits {BitConverter.SingleToInt32Bits(value):X}): writer {expected}, ours {ours}");
        return true;
    }

    [Fact]
    public void FloatsAreWrittenAsTheWriterWritesThem()
    {
        // Every float from 1e-4 to 1e6 in steps of a few hundred bit patterns, both signs, and every compass angle with
        // two decimals (what devices report) and its neighbours.
        var lowest = BitConverter.SingleToInt32Bits(1e-4f);
        var highest = BitConverter.SingleToInt32Bits(1e6f);
        // A float with a short exact expansion (0.0205078125 = 21/1024) can lie exactly between its two nearest shortest
        // texts: such ties are left to the runtime (0.75% of these floats).
        var formatted = 0;
        var declined = 0;
        for (var bits = lowest - 100; bits < highest + 100; bits += 97)
        {
            var value = BitConverter.Int32BitsToSingle(bits);
            if (Check(value))
                formatted++;
            else if (value is >= 1e-4f and < 1e6f)
                declined++;
            Check(-value);
        }
        Assert.True(formatted > 1_000_000 && declined < formatted / 100, $"{formatted} formatted, {declined} declined");
        declined = 0;
        for (var hundredths = 1; hundredths < 36000; hundredths++)
        {
            var angle = (float)(hundredths / 100.0);
            foreach (var near in new[] { angle, MathF.BitIncrement(angle), MathF.BitDecrement(angle) })
                if (!Check(near))
                    declined++;
        }
        Assert.True(declined < 100, $"{declined} compass angles declined");
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        Assert.False(ShortestDouble.TryFormat(0f, text, out _));
        Assert.False(ShortestDouble.TryFormat(1e6f, text, out _));
        Assert.False(ShortestDouble.TryFormat(float.NaN, text, out _));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-5)]
    [InlineData(9.99e-5)]
    [InlineData(1e15)]
    [InlineData(1.5e300)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.Epsilon)]
    public void ValuesOutsideTheRangeAreLeftToTheRuntime(double value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        Assert.False(ShortestDouble.TryFormat(value, text, out var written));
        Assert.Equal(0, written);
    }

    [Fact] // not an InlineData beside 0.0: xUnit treats the two as the same case
    public void NegativeZeroIsLeftToTheRuntime() => ValuesOutsideTheRangeAreLeftToTheRuntime(-0.0);
}
