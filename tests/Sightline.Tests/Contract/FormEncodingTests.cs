using System.Text;
using Sightline.Access;

namespace Sightline.Tests.Contract;

/// <summary>
/// <see cref="PercentEncoding"/> fed as a request body arrives, in pieces of any size: an escape or a UTF-8 sequence split
/// between two reads is judged as a whole.
/// </summary>
public sealed class FormEncodingTests
{
    [Theory]
    [InlineData("cm=caf%C3%A9", true)]
    [InlineData("cm=caf\u00e9+%E2%9C%93", true)]
    [InlineData("cm=50%+off%2", true)] // a form's '%' without two hex digits is itself
    [InlineData("cm=a%0D%0Ab", true)]
    [InlineData("cm=%FF", false)]
    [InlineData("cm=caf%C3", false)] // ends inside a UTF-8 sequence
    [InlineData("cm=%F0%9F%98", false)]
    [InlineData("cm=a%00", false)]
    public void TheVerdictDoesNotDependOnHowTheBodyIsCut(string body, bool wellFormed)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var piece = 1; piece <= bytes.Length; piece++)
        {
            var check = new PercentEncoding(form: true);
            var fed = true;
            for (var at = 0; at < bytes.Length && fed; at += piece)
                fed = check.Feed(bytes.AsSpan(at, Math.Min(piece, bytes.Length - at)));
            Assert.True(wellFormed == (fed && check.End()), $"{body} in pieces of {piece}");
        }
    }

    [Theory]
    [InlineData("a=50%+off")]
    [InlineData("a=b%0Ac")]
    public void AQueryIsStricterThanAForm(string text)
    {
        Assert.False(PercentEncoding.IsWellFormed(text));
        var form = new PercentEncoding(form: true);
        Assert.True(form.Feed(Encoding.ASCII.GetBytes(text)) && form.End());
    }
}
