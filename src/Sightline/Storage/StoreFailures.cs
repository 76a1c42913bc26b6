using Microsoft.Data.Sqlite;
using Npgsql;

namespace Sightline.Storage;

/// <summary>What a store's failure means to the caller, told without naming a driver outside this folder.</summary>
public static class StoreFailures
{
    /// <summary>
    /// True when a write referred to a row that was deleted meanwhile: a comment, complaint or detection on an image whose
    /// owner deleted it between the handler finding it and the store writing (a foreign key then refuses the row, and the
    /// transaction writes nothing). SQLite's SQLITE_CONSTRAINT_FOREIGNKEY (787), PostgreSQL's foreign_key_violation (23503).
    /// </summary>
    public static bool IsGoneReference(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is SqliteException { SqliteExtendedErrorCode: 787 } or PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
                return true;
        return false;
    }
}
