using System.Numerics;

namespace Sightline.Search;

/// <summary>
/// The shortest text that reads back as the same double, byte for byte what <see cref="System.Text.Json.Utf8JsonWriter"/>
/// writes for it (the runtime's shortest round-trip form), for the doubles a search answer carries: latitudes, longitudes
/// and compass angles. Other values (zero, below 1e-4, from 1e15 up, not finite) are left to the runtime.
/// </summary>
/// <remarks>
/// Issue 14: formatting lat/lon as shortest round-trip doubles (the runtime's Grisu3, its general-format pass and the
/// writer's own checks) was 9% of a close search's CPU in perf profiles; the synthetic archive's coordinates have 16-17
/// digits. Here the digits come from exact integer arithmetic: for v = m·2^e (|v| in [1e-4, 1e15), so e is between -66 and
/// -3), the ends of v's rounding interval (v ± half an ulp) and v itself are scaled by 10^t to 17-18 integer digits in
/// 128 bits, exactly (a shift, since the denominator is a power of two); the shortest decimal in the open interval is the
/// multiple of the largest power of ten between its ends, and of those the one nearest v. That is the runtime's answer
/// (shortest, then nearest). In this range the interval's ends have more than 17 significant digits, so whether they
/// belong to it never matters; an exact tie between two nearest candidates is left to the runtime.
/// <c>ShortestDoubleTests</c> compares it with the writer on millions of doubles.
/// </remarks>
public static class ShortestDouble
{
    /// <summary>The most bytes <see cref="TryFormat"/> writes: a sign, "0.000", 17 digits and a point.</summary>
    public const int MaxBytes = 32;

    private static readonly ulong[] PowersOfTen = MakePowersOfTen();

    private static ulong[] MakePowersOfTen()
    {
        var powers = new ulong[20];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
            powers[i] = powers[i - 1] * 10;
        return powers;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as the runtime's shortest round-trip text into <paramref name="destination"/>
    /// (at least <see cref="MaxBytes"/> long); false, writing nothing, for a value outside [1e-4, 1e15) in magnitude or a
    /// case left to the runtime.
    /// </summary>
    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e15) || destination.Length < MaxBytes)
            return false;
        var bits = BitConverter.DoubleToUInt64Bits(magnitude);
        var fraction = bits & 0xF_FFFF_FFFF_FFFFUL;
        // magnitude = mantissa * 2^exponent, exponent in [-66, -3]
        return TryFormat(fraction | (1UL << 52), (int)(bits >> 52) - 1075, fraction == 0, magnitude, value < 0,
            significantDigits: 17, mostBeforePoint: 15, destination, out written);
    }

    /// <summary>
    /// The same for a single-precision value (the runtime's shortest round-trip text of the float, as the writer writes
    /// it), for magnitudes in [1e-4, 1e6).
    /// </summary>
    public static bool TryFormat(float value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4f && magnitude < 1e6f) || destination.Length < MaxBytes)
            return false;
        var bits = BitConverter.SingleToUInt32Bits(magnitude);
        var fraction = bits & 0x7F_FFFFU;
        // magnitude = mantissa * 2^exponent, exponent in [-37, -4]
        return TryFormat(fraction | (1UL << 23), (int)(bits >> 23) - 150, fraction == 0, magnitude, value < 0,
            significantDigits: 9, mostBeforePoint: 6, destination, out written);
    }

    // mantissa * 2^exponent (exponent negative; mantissa with its leading bit, the lower gap half the upper one when it is
    // a power of two) to the shortest digits that read back as it at the given precision (17 for doubles, 9 for floats).
    private static bool TryFormat(ulong mantissa, int exponent, bool atPowerOfTwo, double magnitude, bool negative,
        int significantDigits, int mostBeforePoint, Span<byte> destination, out int written)
    {
        written = 0;
        var shift = 2 - exponent; // v, its lower and upper ends as (4m, 4m-2 or 4m-1, 4m+2) / 2^shift

        // Digits before the point, at most: 10^(s-1) <= v < 10^s or a little less, never more (t = significantDigits - s
        // then gives that many digits or one more, both exact in 128 bits).
        var s = (int)Math.Floor(Math.Log10(magnitude) - 1e-9) + 1;
        var t = significantDigits - s; // doubles: in [2, 21]; floats: in [3, 14]
        var scale = Pow10(t);

        var lowerGap = atPowerOfTwo ? 1UL : 2UL;
        var v4 = (UInt128)(mantissa << 2);
        var low = (v4 - lowerGap) * scale;
        var high = (v4 + 2) * scale;
        var exact = v4 * scale;
        var mask = (UInt128.One << shift) - 1;

        // The open interval (low, high) in integers: a = the least integer above low, b = the greatest below high.
        var a = (ulong)(low >> shift) + 1;
        var highFloor = (ulong)(high >> shift);
        var b = (high & mask) == 0 ? highFloor - 1 : highFloor;
        if (a > b)
            return false;

        // The largest power of ten with a multiple in [a, b].
        var j = 0;
        while (j + 1 < PowersOfTen.Length)
        {
            var p = PowersOfTen[j + 1];
            var first = (a + p - 1) / p * p;
            if (first > b)
                break;
            j++;
        }
        var unit = PowersOfTen[j];

        // The multiple of unit nearest v (scaled exactly: whole part exactFloor, fraction exactRest / 2^shift).
        var exactFloor = (ulong)(exact >> shift);
        var exactRest = exact & mask;
        var below = exactFloor / unit;
        var remainder = exactFloor % unit;
        var twice = (((UInt128)remainder << shift) + exactRest) << 1;
        var whole = (UInt128)unit << shift;
        ulong digits;
        if (twice < whole)
            digits = below;
        else if (twice > whole)
            digits = below + 1;
        else
            return false; // an exact tie: the runtime's rule decides
        var candidate = digits * unit;
        if (candidate < a || candidate > b)
        {
            // The nearest multiple lies outside the interval: the other one is in it.
            digits = candidate < a ? digits + 1 : digits - 1;
            candidate = digits * unit;
            if (candidate < a || candidate > b)
                return false;
        }

        // digits * 10^(j - t), trailing zeros dropped.
        var power = j - t;
        while (digits % 10 == 0)
        {
            digits /= 10;
            power++;
        }
        var count = CountDigits(digits);
        var point = count + power; // the runtime's "scale": digits before the point (<= 0: zeros after it)
        if (point > mostBeforePoint || point < -3)
            return false;

        var at = 0;
        if (negative)
            destination[at++] = (byte)'-';
        Span<byte> text = stackalloc byte[20];
        for (var i = count - 1; i >= 0; i--)
        {
            text[i] = (byte)('0' + (int)(digits % 10));
            digits /= 10;
        }
        if (point <= 0)
        {
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            for (var i = 0; i < -point; i++)
                destination[at++] = (byte)'0';
            text[..count].CopyTo(destination[at..]);
            at += count;
        }
        else if (point < count)
        {
            text[..point].CopyTo(destination[at..]);
            at += point;
            destination[at++] = (byte)'.';
            text[point..count].CopyTo(destination[at..]);
            at += count - point;
        }
        else
        {
            text[..count].CopyTo(destination[at..]);
            at += count;
            for (var i = count; i < point; i++)
                destination[at++] = (byte)'0';
        }
        written = at;
        return true;
    }

    private static UInt128 Pow10(int exponent) =>
        exponent < PowersOfTen.Length ? PowersOfTen[exponent] : (UInt128)PowersOfTen[exponent - 10] * PowersOfTen[10];

    private static int CountDigits(ulong value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }
        return count;
    }
}
