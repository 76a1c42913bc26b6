namespace Sightline.Storage.Postgres;

/// <summary>The PostgreSQL schema: <see cref="PostgresDatabase.Migrate"/>.</summary>
public sealed class PostgresSchema(PostgresDatabase database) : IStorageSchema
{
    public void Migrate() => database.Migrate();
}
