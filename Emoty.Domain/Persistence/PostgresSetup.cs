using Npgsql;

namespace Emoty.Domain.Persistence;

public static class PostgresSetup
{
    /// <summary>Automatic prepared statements (the stores' SQL text prepared once per physical connection) make Dapper's repeated queries cheap.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        DapperSetup.Configure();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        builder.ApplicationName ??= "emoty";
        // Days and months of the figures are UTC days, whatever the server's own time zone.
        builder.Timezone ??= "UTC";
        // Fail fast when the database is unreachable instead of piling requests up for 15 s.
        if (builder.Timeout == 15)
        {
            builder.Timeout = 5;
        }

        // The pool's name in Npgsql's metrics (db.client.connection.pool.name), instead of the connection string.
        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = builder.ApplicationName }.Build();
    }
}
