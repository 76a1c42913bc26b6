using System.Text;

namespace Sightline.Observability;

/// <summary>
/// A console writer that logs each line instead, so that with <c>Logging:Format=json</c> the start banner and the demo's
/// progress are JSON objects like every other line (a log shipper then reads one format).
/// </summary>
public sealed class LogLineWriter(ILogger logger) : TextWriter
{
    private readonly StringBuilder line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (line)
        {
            if (value == '\n')
            {
                logger.LogInformation("{Line}", line.ToString().TrimEnd('\r'));
                line.Clear();
            }
            else
                line.Append(value);
        }
    }
}
