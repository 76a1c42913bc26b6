using System.Text;

namespace Sightline.Access;

/// <summary>
/// Checks that percent-encoded text (a raw query string, or an <c>application/x-www-form-urlencoded</c> body) decodes to
/// valid UTF-8 without control characters: the framework would decode invalid bytes to U+FFFD and keep going, so that
/// <c>cm=%FF%FE</c> would be stored as two replacement characters instead of being refused.
/// </summary>
public sealed class PercentEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Decoder decoder = StrictUtf8.GetDecoder();
    private readonly bool form;
    private int hexDigitsSeen = -1; // after '%': how many of its two hex digits came so far; -1 outside an escape
    private byte firstDigit;
    private bool broken;

    /// <param name="form">
    /// An <c>application/x-www-form-urlencoded</c> body rather than a query: CR and LF are text (a multi-line field), and a
    /// '%' without two hex digits stands for itself, as the WHATWG URL standard parses forms (curl's <c>-d "cm=50% off"</c>).
    /// In a query both are refused.
    /// </param>
    public PercentEncoding(bool form) => this.form = form;

    /// <summary>False once anything fed so far is not well-formed; stays false.</summary>
    public bool WellFormed => !broken;

    public static bool IsWellFormed(string? query)
    {
        if (string.IsNullOrEmpty(query))
            return true;
        // Most queries are plain ASCII without a percent sign: their bytes are their characters, valid UTF-8, and only the
        // ASCII controls can be refused (issue 14: the decoding below, its list, array and string were 1.5% of a close
        // search's CPU).
        var plain = true;
        foreach (var c in query)
        {
            if (c == '%')
            {
                plain = false;
                break;
            }
            if (c > 0x7F)
                return false; // RFC 3986: a URL carries non-ASCII only percent-encoded
            if ((c < 0x20 && c != '\t') || c == 0x7F)
                return false;
        }
        if (plain)
            return true;
        var bytes = query.Length <= 1024 ? stackalloc byte[query.Length] : new byte[query.Length];
        for (var i = 0; i < query.Length; i++)
        {
            if (query[i] > 0x7F)
                return false; // RFC 3986: a URL carries non-ASCII only percent-encoded
            bytes[i] = (byte)query[i];
        }
        var check = new PercentEncoding(form: false);
        return check.Feed(bytes) && check.End();
    }

    /// <summary>
    /// Feeds the next raw bytes (a form body may also carry raw UTF-8, as curl's <c>-d</c> sends it); false once the text
    /// is not well-formed: bytes that are not UTF-8, a control character, or (in a query) a '%' without two hex digits.
    /// </summary>
    public bool Feed(ReadOnlySpan<byte> raw)
    {
        Span<byte> decoded = stackalloc byte[258];
        while (!raw.IsEmpty && !broken)
        {
            var count = 0;
            var used = 0;
            for (; used < raw.Length && count < 256; used++)
            {
                var b = raw[used];
                if (hexDigitsSeen >= 0)
                {
                    if (Uri.IsHexDigit((char)b))
                    {
                        if (hexDigitsSeen == 0)
                        {
                            firstDigit = b;
                            hexDigitsSeen = 1;
                        }
                        else
                        {
                            decoded[count++] = (byte)(Uri.FromHex((char)firstDigit) * 16 + Uri.FromHex((char)b));
                            hexDigitsSeen = -1;
                        }
                        continue;
                    }
                    if (!form)
                        return Break();
                    count += Unescaped(decoded[count..]);
                }
                if (b == '%')
                    hexDigitsSeen = 0;
                else
                    decoded[count++] = b;
            }
            raw = raw[used..];
            if (!Decode(decoded[..count], flush: false))
                return Break();
        }
        return !broken;
    }

    /// <summary>The end of the text: false when it stopped inside a UTF-8 sequence (or a query inside an escape), or anything before was refused.</summary>
    public bool End()
    {
        if (broken)
            return false;
        if (hexDigitsSeen >= 0 && !form)
            return Break();
        Span<byte> rest = stackalloc byte[2];
        return Decode(rest[..Unescaped(rest)], flush: true) || Break();
    }

    // A form's '%' that no two hex digits followed: itself and the digit it had, as text.
    private int Unescaped(Span<byte> destination)
    {
        if (hexDigitsSeen < 0)
            return 0;
        destination[0] = (byte)'%';
        var count = 1;
        if (hexDigitsSeen == 1)
            destination[count++] = firstDigit;
        hexDigitsSeen = -1;
        return count;
    }

    private bool Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        Span<char> chars = stackalloc char[bytes.Length + 2];
        int written;
        try
        {
            written = decoder.GetChars(bytes, chars, flush);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        foreach (var ch in chars[..written])
            if (char.IsControl(ch) && ch is not '\t' && !(form && ch is '\r' or '\n'))
                return false;
        return true;
    }

    private bool Break()
    {
        broken = true;
        return false;
    }
}
