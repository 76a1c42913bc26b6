namespace Sightline.Storage.Sqlite;

/// <summary>
/// Which of the servers sharing one data folder this process is: the lowest-numbered lock file under <c>nodes/</c> that no
/// live process holds. The lock is the operating system's (an exclusive open, which .NET takes as an advisory
/// <c>flock</c> on Linux), so the kernel gives it back when the process dies, as PostgreSQL gives back a node's session
/// advisory lock: a job claimed by a slot whose lock nobody holds was left by a process that died.
/// </summary>
public sealed class SqliteNodeSlot : IDisposable
{
    private readonly string folder;
    private readonly FileStream held;

    public SqliteNodeSlot(Database database)
    {
        folder = Path.Combine(database.DataDirectory, "nodes");
        Directory.CreateDirectory(folder);
        for (var number = 1; number <= MostSlots; number++)
        {
            if (TryLock(number) is not { } stream)
                continue;
            held = stream;
            Number = number;
            return;
        }
        throw new IOException($"cannot lock any of {MostSlots} node slot files in {folder}");
    }

    private const int MostSlots = 1000;

    public int Number { get; }

    /// <summary>Whether a live process holds slot <paramref name="number"/> (this one does hold its own).</summary>
    public bool IsHeld(int number)
    {
        if (number == Number)
            return true;
        using var probe = TryLock(number);
        return probe is null;
    }

    private FileStream? TryLock(int number)
    {
        try
        {
            return new FileStream(Path.Combine(folder, $"node-{number}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => held.Dispose();
}
