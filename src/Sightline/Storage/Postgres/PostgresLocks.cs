using Dapper;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The locks that writers of images take, in the one order every transaction follows (<see cref="ImagesLockSql"/>).
/// </summary>
internal static class PostgresLocks
{
    /// <summary>
    /// The images lock: a transaction-long advisory lock that the trigger on every statement on images takes
    /// (images_serialise, 0001_schema.sql) so that the search change log commits in order, and that sequence assembly
    /// and the writers below take explicitly. It serialises every writer of images.
    /// </summary>
    /// <remarks>
    /// The global lock order, for every transaction that takes more than one of these:
    /// <list type="number">
    /// <item>the job rows of the images concerned, in id order (<see cref="JobsOfImageAsync"/>): a worker's claim
    /// takes its job's row first (FOR UPDATE SKIP LOCKED) and then, updating its image, the images lock;</item>
    /// <item>the images lock;</item>
    /// <item>the rows of images and of what hangs off an image (uploads, sequences, blurs and blur requests,
    /// complaints, comments, events, detections): the rows an image's deletion cascades to, which it reaches
    /// holding the two locks above.</item>
    /// </list>
    /// A transaction that takes a lock of a later step and then waits for one of an earlier step deadlocks with one
    /// that does the opposite, and PostgreSQL breaks that by failing one of them (a 500, or a worker's lost completion).
    /// So a writer that will touch images or jobs takes steps 1 and 2 before its first row of step 3, even the rows it
    /// only reads to decide (they might be gone once it holds the lock). LockOrderTests races each such writer.
    /// </remarks>
    public const string ImagesLockSql = "SELECT pg_advisory_xact_lock(5167687400001)";

    /// <summary>Step 2 of the order: the images lock.</summary>
    public static Task ImagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        connection.ExecuteAsync(ImagesLockSql, transaction: transaction);

    /// <summary>Step 1 of the order: the rows of the image's jobs (a claim skips them while they are held).</summary>
    public static Task JobsOfImageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long imageId) =>
        connection.ExecuteAsync("SELECT id FROM jobs WHERE image_id = @imageId ORDER BY id FOR UPDATE", new { imageId }, transaction);

    /// <summary>Step 1 of the order for one job a worker holds.</summary>
    public static Task JobAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long jobId) =>
        connection.ExecuteAsync("SELECT id FROM jobs WHERE id = @jobId FOR UPDATE", new { jobId }, transaction);
}
