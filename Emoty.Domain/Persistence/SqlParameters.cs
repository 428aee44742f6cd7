using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Emoty.Domain.Persistence;

/// <summary>
/// Parameters handed to Npgsql as they are: each takes its type from its value when the command binds it, the way Npgsql
/// resolves it, through the data source's cache. Dapper's <see cref="DynamicParameters"/> reads every parameter's DbType back
/// after setting its value, and Npgsql answers that by inferring the type through its global type mapper every time: 9 % of
/// the worker's CPU under the search benchmark's load, for the dozen parameters of each of a search's statements.
/// </summary>
public sealed class SqlParameters : SqlMapper.IDynamicParameters
{
    private readonly Dictionary<string, (object? Value, NpgsqlDbType? Type)> _values = [];

    /// <param name="type">Needed only where the value may be null.</param>
    public void Add(string name, object? value, NpgsqlDbType? type = null) => _values[name] = (value, type);

    void SqlMapper.IDynamicParameters.AddParameters(IDbCommand command, SqlMapper.Identity identity)
    {
        // A parameter belongs to one command: the same values serve a search's several statements, so each gets its own.
        foreach (var (name, (value, type)) in _values)
        {
            var parameter = new NpgsqlParameter { ParameterName = name, Value = value ?? DBNull.Value };
            if (type is { } explicitType)
            {
                parameter.NpgsqlDbType = explicitType;
            }

            command.Parameters.Add(parameter);
        }
    }
}
