using System.Data;
using Dapper;
using Emoty.Domain.Json;
using Npgsql;
using NpgsqlTypes;

namespace Emoty.Domain.Persistence;

/// <summary>Process-wide Dapper configuration: snake_case columns to PascalCase members, jsonb as <see cref="RawJson"/>.</summary>
public static class DapperSetup
{
    private static int _configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new RawJsonHandler());
    }

    private sealed class RawJsonHandler : SqlMapper.TypeHandler<RawJson>
    {
        public override RawJson Parse(object value) => new((string)value);

        public override void SetValue(IDbDataParameter parameter, RawJson value)
        {
            parameter.Value = value.Text;
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
        }
    }
}
