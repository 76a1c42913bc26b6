using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Sightline.Storage.Postgres;
using Sightline.Storage.Sqlite;

namespace Sightline.Storage;

/// <summary>
/// Moves an embedded installation (SQLite in the data folder, files beside it) onto PostgreSQL and, optionally, an S3
/// object store (<c>sightline migrate-storage</c>, issue 10). Every table the two schemas share is copied whole with its
/// ids (binary COPY), in foreign-key order, then each identity is advanced past the copied ids; the blobs are copied
/// object by object through <see cref="IBlobStore"/>. The schemas are kept column-compatible on purpose (integers for
/// times and flags), so the copy is by column name and needs no per-table code.
/// </summary>
public static class StorageMigration
{
    /// <summary>Folders (and the one object) of the blob store that a server needs.</summary>
    private static readonly string[] BlobPrefixes = ["originals/", "derivatives/", "avatars/"];

    // The PostgreSQL change log of the search index is written by triggers as rows arrive, each backend keeps its own
    // record of applied migrations, and holds on originals live only while an upload or a removal runs (the source is
    // stopped, so any left are a dead process's), and SQLite's record of the highest image id deleted has PostgreSQL's
    // identity columns to stand for it: none is copied (nor reported as left behind).
    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal) { "search_changes", "schema_migrations", "original_holds", "deleted_ids" };

    public sealed record TableCount(string Table, long Rows);

    public sealed record Summary(IReadOnlyList<TableCount> Tables, IReadOnlyList<string> Skipped, long Blobs, long Bytes)
    {
        public long Rows => Tables.Sum(t => t.Rows);
    }

    /// <summary>
    /// Copies <paramref name="source"/>'s rows into the empty <paramref name="target"/> and, when
    /// <paramref name="targetBlobs"/> is given, every blob of <paramref name="sourceBlobs"/> into it.
    /// </summary>
    public static async Task<Summary> RunAsync(Database source, PostgresDatabase target, IBlobStore sourceBlobs, IBlobStore? targetBlobs,
        TextWriter progress, CancellationToken cancellation = default)
    {
        await using var from = await source.OpenAsync(cancellation);
        await using var to = await target.OpenAsync(cancellation);

        var sourceTables = (await from.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).ToHashSet(StringComparer.Ordinal);
        var targetTables = await TargetTablesInOrderAsync(to);
        foreach (var table in targetTables)
            if (await to.ExecuteScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM \"{table}\")"))
                throw new ArgumentException($"the target database {target.Host}:{target.Port} is not empty (table {table} has rows): migrate into a new, empty database");

        var counts = new List<TableCount>();
        // One read transaction on SQLite: every table is read as of the same moment.
        await using (var read = (SqliteTransaction)await from.BeginTransactionAsync(cancellation))
        await using (var write = await to.BeginTransactionAsync(cancellation))
        {
            foreach (var table in targetTables.Where(sourceTables.Contains))
            {
                var rows = await CopyTableAsync(from, read, to, table, progress, cancellation);
                await AdvanceIdentitiesAsync(to, table, cancellation);
                counts.Add(new TableCount(table, rows));
                progress.WriteLine($"  {table}: {rows} rows");
            }
            await write.CommitAsync(cancellation);
        }
        var skipped = sourceTables.Where(t => !targetTables.Contains(t) && !NotCopied.Contains(t)).Order(StringComparer.Ordinal).ToList();

        long blobs = 0, bytes = 0;
        if (targetBlobs is not null)
        {
            var keys = new List<string>();
            foreach (var prefix in BlobPrefixes)
                await foreach (var entry in sourceBlobs.ListAsync(prefix, cancellation))
                    keys.Add(entry.Key);
            keys.Add(IndexSnapshot.Key);
            foreach (var key in keys)
            {
                var blob = await sourceBlobs.OpenReadAsync(key, cancellation);
                if (blob is null)
                    continue; // the snapshot is optional; a file removed while listed is not needed either
                await using (blob.Content)
                    await targetBlobs.WriteAsync(key, (stream, token) => blob.Content.CopyToAsync(stream, token), cancellation);
                blobs++;
                bytes += blob.Length;
                if (blobs % 500 == 0)
                    progress.WriteLine($"  blobs: {blobs} of {keys.Count} ({bytes / 1_000_000.0:0.0} MB)");
            }
        }
        return new Summary(counts, skipped, blobs, bytes);
    }

    // The tables of the target schema, parents before children (by their foreign keys), so rows insert in order.
    private static async Task<List<string>> TargetTablesInOrderAsync(NpgsqlConnection connection)
    {
        var tables = (await connection.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"))
            .Where(t => !NotCopied.Contains(t) && t != "spatial_ref_sys" && !t.StartsWith("schema_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        var edges = (await connection.QueryAsync<(string Child, string Parent)>("""
            SELECT c.conrelid::regclass::text, c.confrelid::regclass::text
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid <> c.confrelid
            """)).ToList();
        var ordered = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string table, int depth)
        {
            if (done.Contains(table) || depth > tables.Count)
                return;
            foreach (var (_, parent) in edges.Where(e => e.Child == table))
                if (tables.Contains(parent))
                    Visit(parent, depth + 1);
            if (done.Add(table))
                ordered.Add(table);
        }
        foreach (var table in tables)
            Visit(table, 0);
        return ordered;
    }

    private static async Task<long> CopyTableAsync(SqliteConnection from, SqliteTransaction read, NpgsqlConnection to, string table,
        TextWriter progress, CancellationToken cancellation)
    {
        // Generated columns (images.position) are computed by PostgreSQL; the rest are copied when SQLite has them too.
        var targetColumns = (await to.QueryAsync<(string Name, string Type)>("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @table AND is_generated = 'NEVER'
            ORDER BY ordinal_position
            """, new { table })).ToList();
        var sourceColumns = (await from.QueryAsync<string>("SELECT name FROM pragma_table_info(@table)", new { table }, read))
            .ToHashSet(StringComparer.Ordinal);
        var columns = targetColumns.Where(c => sourceColumns.Contains(c.Name)).ToList();
        var left = sourceColumns.Where(c => columns.All(t => t.Name != c)).Order(StringComparer.Ordinal).ToList();
        if (left.Count > 0)
            progress.WriteLine($"  {table}: not copied (no such column on PostgreSQL): {string.Join(", ", left)}");
        if (columns.Count == 0)
            return 0;

        var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        await using var command = from.CreateCommand();
        command.Transaction = read;
        command.CommandText = $"SELECT {list} FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await using var importer = await to.BeginBinaryImportAsync($"COPY \"{table}\" ({list}) FROM STDIN (FORMAT BINARY)", cancellation);
        // The server checks and indexes the rows while they arrive and finishes at the end: at a million images (triggers,
        // GiST index) that last step alone outlasts the 30-second command timeout.
        importer.Timeout = TimeSpan.Zero;
        long rows = 0;
        while (await reader.ReadAsync(cancellation))
        {
            await importer.StartRowAsync(cancellation);
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await importer.WriteNullAsync(cancellation);
                    continue;
                }
                var value = reader.GetValue(i);
                switch (columns[i].Type)
                {
                    case "bigint":
                        await importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellation);
                        break;
                    case "integer":
                        await importer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellation);
                        break;
                    case "double precision":
                        await importer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellation);
                        break;
                    case "boolean":
                        await importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellation);
                        break;
                    case "bytea":
                        await importer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellation);
                        break;
                    default:
                        await importer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellation);
                        break;
                }
            }
            rows++;
        }
        await importer.CompleteAsync(cancellation);
        return rows;
    }

    // Ids were copied as they were; the next id PostgreSQL hands out must come after them.
    private static async Task AdvanceIdentitiesAsync(NpgsqlConnection to, string table, CancellationToken cancellation)
    {
        var identities = await to.QueryAsync<string>("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @table AND is_identity = 'YES'
            """, new { table });
        foreach (var column in identities)
            await to.ExecuteAsync(new CommandDefinition(
                $"SELECT setval(pg_get_serial_sequence(@qualified, @column), max(\"{column}\")) FROM \"{table}\" HAVING max(\"{column}\") IS NOT NULL",
                new { qualified = $"\"{table}\"", column }, cancellationToken: cancellation));
    }
}
