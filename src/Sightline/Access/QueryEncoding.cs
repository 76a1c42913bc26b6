using System.Text;

namespace Sightline.Access;

/// <summary>Checks that a raw query string percent-decodes to valid UTF-8 without control characters.</summary>
public static class QueryEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        var bytes = new List<byte>(query.Length);
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '%')
            {
                if (i + 2 >= query.Length || !Uri.IsHexDigit(query[i + 1]) || !Uri.IsHexDigit(query[i + 2]))
                    return false;
                bytes.Add(Convert.ToByte(query.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7F)
            {
                return false; // RFC 3986: a URL carries non-ASCII only percent-encoded
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        try
        {
            var decoded = StrictUtf8.GetString(bytes.ToArray());
            return !decoded.Any(ch => char.IsControl(ch) && ch is not '\t');
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
