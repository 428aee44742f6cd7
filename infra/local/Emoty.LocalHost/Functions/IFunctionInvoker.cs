using Emoty.LocalHost.Rpc;

namespace Emoty.LocalHost.Functions;

/// <summary>The seam between the triggers and the worker: send an invocation, get its response.</summary>
internal interface IFunctionInvoker
{
    /// <summary>Fills in the invocation and function ids, sends it and waits for the worker's answer.</summary>
    /// <exception cref="Grpc.WorkerUnavailableException">No worker is connected, or it went away mid-call.</exception>
    Task<InvocationResponse> InvokeAsync(FunctionInfo function, InvocationRequest request, CancellationToken cancellationToken);
}
