using Microsoft.Win32.SafeHandles;

namespace Sightline.Uploads;

/// <summary>
/// Checks a JPEG's structure without decoding it: markers and segment lengths from the start of image to the end of image,
/// with a frame and at least one scan between, the scans' entropy-coded data skipped by looking for the next marker. A
/// truncated upload lacks its end; this costs a read of the file instead of a decode, so the upload is acknowledged at disk
/// speed. Damage inside the compressed data itself is found by the decode that makes the thumbnails (the image fails).
/// </summary>
public static class JpegStructure
{
    private const int Chunk = 1 << 16;

    public static bool IsComplete(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var reader = new Reader(handle);
        if (reader.Next() != 0xFF || reader.Next() != 0xD8)
            return false;
        bool frame = false, scan = false;
        while (true)
        {
            var marker = NextMarker(ref reader);
            switch (marker)
            {
                case < 0:
                    return false; // ended before the end-of-image marker: truncated
                case 0xD9:
                    return frame && scan;
                case 0x01 or (>= 0xD0 and <= 0xD7):
                    continue; // markers without a segment
            }
            var high = reader.Next();
            var low = reader.Next();
            if (high < 0 || low < 0)
                return false;
            var length = (high << 8) | low;
            if (length < 2 || !reader.Skip(length - 2))
                return false;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                frame = true;
            if (marker == 0xDA)
            {
                if (!frame)
                    return false;
                scan = true;
                // Entropy-coded data follows: 0xFF 0x00 is a stuffed byte and 0xFF 0xD0-D7 a restart; any other marker ends it.
                if (!reader.SkipEntropyCodedData())
                    return false;
            }
        }
    }

    // The next marker's code, after any fill bytes; -1 at the end of the file. Bytes before it that are no marker are
    // skipped as libjpeg skips them (it warns of "extraneous bytes before marker" and decodes every pixel): some phones and
    // cameras write them between segments, and their photos are whole.
    private static int NextMarker(ref Reader reader)
    {
        while (true)
        {
            int next;
            do
                next = reader.Next();
            while (next is >= 0 and not 0xFF);
            if (next < 0)
                return -1;
            int code;
            do
                code = reader.Next();
            while (code == 0xFF);
            if (code != 0)
                return code; // a marker, or -1 at the end of the file
        }
    }

    private struct Reader(SafeFileHandle handle)
    {
        private readonly byte[] buffer = new byte[Chunk];
        private long offset;   // file offset of buffer[0]
        private int position;
        private int filled;

        public int Next()
        {
            if (position == filled && !Fill())
                return -1;
            return buffer[position++];
        }

        public bool Skip(int count)
        {
            var target = offset + position + count;
            if (target > RandomAccess.GetLength(handle))
                return false;
            offset = target;
            position = filled = 0;
            return true;
        }

        /// <summary>Moves to the 0xFF of the marker that ends the scan; false at the end of the file.</summary>
        public bool SkipEntropyCodedData()
        {
            while (true)
            {
                if (position == filled && !Fill())
                    return false;
                var at = buffer.AsSpan(position, filled - position).IndexOf((byte)0xFF);
                if (at < 0)
                {
                    position = filled;
                    continue;
                }
                position += at + 1;
                var following = Next();
                if (following < 0)
                    return false;
                if (following == 0x00 || following is >= 0xD0 and <= 0xD7 || following == 0xFF && Peek() is 0x00)
                    continue;
                position -= 2; // leave the marker to NextMarker
                if (position < 0)
                {
                    // The marker straddled two chunks: reread from it.
                    offset += position;
                    position = filled = 0;
                }
                return true;
            }
        }

        private int Peek()
        {
            var next = Next();
            if (next >= 0)
                position--;
            return next;
        }

        private bool Fill()
        {
            offset += filled;
            position = 0;
            filled = RandomAccess.Read(handle, buffer, offset);
            return filled > 0;
        }
    }
}
