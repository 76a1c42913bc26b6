namespace Sightline.Storage.Sqlite;

/// <summary>The embedded database's schema: <see cref="Database.Migrate"/>.</summary>
public sealed class SqliteSchema(Database database) : IStorageSchema
{
    public void Migrate() => database.Migrate();
}
