using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Sightline.Contract;

namespace Sightline.Tests.Contract;

/// <summary>
/// A write refused by the database because what it refers to was deleted meanwhile (a foreign key) is the contract's
/// not_found, answered by the outermost middleware whichever store raised it; any other database failure stays a 500.
/// </summary>
public sealed class GoneReferenceTests
{
    private static async Task<(int Status, string Code)> AnswerTo(Exception thrown)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new ContractMiddleware(_ => throw thrown, NullLogger<ContractMiddleware>.Instance);
        await middleware.InvokeAsync(context);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, body.RootElement.GetProperty("code").GetString()!);
    }

    [Fact]
    public async Task AForeignKeyRefusalIsNotFound()
    {
        Assert.Equal((404, "not_found"), await AnswerTo(new SqliteException("SQLite Error 19: 'FOREIGN KEY constraint failed'.", 19, 787)));
        Assert.Equal((404, "not_found"), await AnswerTo(new InvalidOperationException("wrapped", new SqliteException("fk", 19, 787))));
    }

    [Fact]
    public async Task OtherConstraintFailuresStayInternalErrors()
    {
        // SQLITE_CONSTRAINT_UNIQUE (2067): a store that means it catches it itself; one that does not is a bug.
        Assert.Equal((500, "mapillary_internal_server_error"), await AnswerTo(new SqliteException("UNIQUE constraint failed", 19, 2067)));
    }
}
