namespace Emoty.Functions.Tests.Infrastructure;

/// <summary>Tests in this collection share one running app (and its database); they use unique users.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<EmotyApp>
{
    public const string Name = "app";
}
