namespace Emoty.Domain.Persistence;

/// <summary>Deleting old history a bounded batch per statement, so that no lock is held for long.</summary>
public static class Pruning
{
    public static async Task<int> InBatchesAsync(Func<int, CancellationToken, Task<int>> deleteBatch, int batchSize, CancellationToken cancellationToken)
    {
        int total = 0, deleted;
        do
        {
            deleted = await deleteBatch(batchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == batchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }
}
