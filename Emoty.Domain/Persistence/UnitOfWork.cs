using Dapper;
using Npgsql;

namespace Emoty.Domain.Persistence;

/// <summary>One read-committed transaction; services pass it from store to store and never see its connection, so the SQL stays in the stores.</summary>
public sealed class UnitOfWork
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    internal UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    public Task SaveAsync(string savepoint, CancellationToken cancellationToken) => _transaction.SaveAsync(savepoint, cancellationToken);

    public Task RollbackToAsync(string savepoint, CancellationToken cancellationToken) => _transaction.RollbackAsync(savepoint, cancellationToken);

    internal Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    internal Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(Command(sql, parameters, cancellationToken));

    internal Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.ExecuteScalarAsync<T>(Command(sql, parameters, cancellationToken));

    internal Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.QueryAsync<T>(Command(sql, parameters, cancellationToken));

    internal Task<T> QuerySingleAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.QuerySingleAsync<T>(Command(sql, parameters, cancellationToken));

    internal Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, cancellationToken));

    internal Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
        _connection.QueryMultipleAsync(Command(sql, parameters, cancellationToken));

    private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, _transaction, cancellationToken: cancellationToken);
}

/// <summary>Every transaction joins the feed's writers (<see cref="FeedWriters"/>) and runs whole again on a transient abort (<see cref="TransientRetry"/>).</summary>
public sealed class Transactions(NpgsqlDataSource database)
{
    public Task<T> RunAsync<T>(Func<UnitOfWork, Task<T>> work, CancellationToken cancellationToken) =>
        TransientRetry.Pipeline.ExecuteAsync(async ct =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var unit = new UnitOfWork(connection, transaction);
            await FeedWriters.JoinAsync(unit, ct);
            var result = await work(unit);
            await unit.CommitAsync(ct);
            return result;
        }, cancellationToken).AsTask();

    public Task RunAsync(Func<UnitOfWork, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async unit => { await work(unit); return true; }, cancellationToken);
}
