// Emoty backend on Azure: Function App (Flex Consumption, .NET 10 isolated), PostgreSQL Flexible
// Server, Azure Cache for Redis, Storage (deployment package + queues), Application Insights.
// az deployment group create -g <rg> -f infra/azure/main.bicep -p name=<prefix> postgresAdminPassword=<secret> authSigningKey=<secret> cursorSigningKey=<secret>
targetScope = 'resourceGroup'

@description('Prefix of every resource name (3-12 lower-case letters and digits).')
@minLength(3)
@maxLength(12)
param name string
param location string = resourceGroup().location
@secure()
param postgresAdminPassword string
@secure()
@description('HS256 signing key for bearer tokens (>= 32 bytes). Leave empty when only RS256 keys or Auth.js are used.')
param authSigningKey string = ''
@secure()
param authJsSecret string = ''
param authIssuer string = ''
param authAudience string = 'emoty-api'
@secure()
@description('Secret (>= 32 bytes) that signs page and sync cursors; keep it across deployments, or every client resyncs.')
param cursorSigningKey string
@description('Origin share links point at, e.g. https://emoty.app (required: a request\'s Host header is never trusted outside Development).')
param publicBaseUrl string
@description('Origins whose browsers may call the API (the Function App\'s CORS), e.g. [ \'https://emoty.app\' ].')
param corsAllowedOrigins array = []
@description('Whether those origins may send credentials (cookies); bearer tokens need no credentials mode.')
param corsSupportCredentials bool = false

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('${name}st${suffix}', 24)
var deploymentContainer = 'app-package'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainer
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for q in ['usage-events', 'usage-events-poison', 'sync-batches', 'sync-batches-poison']: {
  parent: queueService
  name: q
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${name}-pg-${suffix}'
  location: location
  sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' }
  properties: {
    version: '16'
    administratorLogin: 'emotyadmin'
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 64, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource postgresExtensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: postgres
  name: 'azure.extensions'
  properties: { value: 'PG_TRGM,BTREE_GIN', source: 'user-override' }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'emoty'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: '${name}-redis-${suffix}'
  location: location
  properties: {
    sku: { name: 'Basic', family: 'C', capacity: 1 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'DEPLOYMENT_STORAGE_CONNECTION_STRING' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 100, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: { allowedOrigins: corsAllowedOrigins, supportCredentials: corsSupportCredentials }
      appSettings: [
        { name: 'AzureWebJobsStorage', value: storageConnection }
        { name: 'DEPLOYMENT_STORAGE_CONNECTION_STRING', value: storageConnection }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'ConnectionStrings__Postgres', value: 'Host=${postgres.properties.fullyQualifiedDomainName};Database=emoty;Username=emotyadmin;Password=${postgresAdminPassword};SSL Mode=Require;Maximum Pool Size=20' }
        { name: 'ConnectionStrings__Redis', value: '${redis.properties.hostName}:6380,password=${redis.listKeys().primaryKey},ssl=True,abortConnect=False' }
        { name: 'Auth__Issuer', value: authIssuer }
        { name: 'Auth__Audience', value: authAudience }
        { name: 'Auth__SigningKey', value: authSigningKey }
        { name: 'Auth__AuthJsSecret', value: authJsSecret }
        { name: 'Api__RequireVersionOnWrite', value: 'false' }
        { name: 'Api__PublicBaseUrl', value: publicBaseUrl }
        { name: 'Api__CursorKey', value: cursorSigningKey }
        { name: 'SharesCleanupSchedule', value: '0 */15 * * * *' }
        { name: 'SyncRecoverySchedule', value: '*/10 * * * * *' }
        { name: 'HistoryPruneSchedule', value: '0 17 * * * *' }
        { name: 'SearchStatisticsSchedule', value: '0 41 * * * *' }
        { name: 'Sync__FeedRetentionDays', value: '30' }
        { name: 'UsageEventsQueue', value: 'usage-events' }
        { name: 'SyncBatchesQueue', value: 'sync-batches' }
        { name: 'AnalyticsRefreshSchedule', value: '0 */5 * * * *' }
        { name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: '4194304' }
        // Application Insights takes the telemetry (APPLICATIONINSIGHTS_CONNECTION_STRING above); no second exporter.
        { name: 'Telemetry__Exporter', value: 'none' }
      ]
    }
  }
  dependsOn: [ packageContainer, database, postgresExtensions ]
}

output functionAppName string = app.name
output functionAppUrl string = 'https://${app.properties.defaultHostName}/api'
output postgresHost string = postgres.properties.fullyQualifiedDomainName
