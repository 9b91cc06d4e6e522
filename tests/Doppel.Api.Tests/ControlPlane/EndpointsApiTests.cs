using System.Net;
using System.Text.Json;
using Doppel.Api.Tests.Support;
using Doppel.Storage.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>
/// Instance endpoints (<c>.../digitalTwinsInstances/{name}/endpoints/{endpointName}</c>, 2023-01-31) over plain HTTP:
/// the Swagger's shapes, secrets stored encrypted and never shown, ADT's name rule and limit, access checks, and bad
/// input answered with 400. Runs once per storage engine.
/// </summary>
public abstract class EndpointsApiTests(EndpointsServer fixture)
{
    private const string Version = "?api-version=" + ArmServer.DigitalTwinsApiVersion;
    private const string HubConnection = "Endpoint=sb://hub-namespace.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWh1Yi1rZXk=;EntityPath=twins";
    private const string BusConnection = "Endpoint=sb://bus-namespace.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LWJ1cy1rZXk=;EntityPath=topic";
    private const string GridKey = "grid-access-key-1-very-secret";

    [SkippableFact]
    public async Task An_EventHub_endpoint_is_created_with_201_and_read_back_with_its_secrets_masked()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var put = await arm.PutAsync($"{instance}/endpoints/hub-1{Version}",
            $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}","deadLetterSecret":"dead-letter-sas"}}""");
        using var get = await arm.GetAsync($"{instance}/endpoints/HUB-1{Version}");

        await Adt.OkAsync(put, HttpStatusCode.Created);
        var created = await Adt.JsonAsync(put);
        Assert.Equal($"{instance}/endpoints/hub-1", created.GetProperty("id").GetString());
        Assert.Equal("hub-1", created.GetProperty("name").GetString());
        Assert.Equal("Microsoft.DigitalTwins/digitalTwinsInstances/endpoints", created.GetProperty("type").GetString());
        var createdProperties = created.GetProperty("properties");
        Assert.Equal("EventHub", createdProperties.GetProperty("endpointType").GetString());
        Assert.Equal("Succeeded", createdProperties.GetProperty("provisioningState").GetString());
        Assert.Equal("KeyBased", createdProperties.GetProperty("authenticationType").GetString());
        Assert.Equal(string.Empty, createdProperties.GetProperty("connectionStringPrimaryKey").GetString());
        Assert.Equal(JsonValueKind.Null, createdProperties.GetProperty("connectionStringSecondaryKey").ValueKind);
        await Adt.OkAsync(get);
        var properties = (await Adt.JsonAsync(get)).GetProperty("properties");
        Assert.Equal("************", properties.GetProperty("connectionStringPrimaryKey").GetString());
        Assert.Equal("************", properties.GetProperty("deadLetterSecret").GetString());
        Assert.Equal(JsonValueKind.Null, properties.GetProperty("connectionStringSecondaryKey").ValueKind);
        Assert.True(properties.TryGetProperty("createdTime", out var createdTime) && createdTime.ValueKind == JsonValueKind.String);
        Assert.DoesNotContain("c2VjcmV0", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Secrets_are_stored_encrypted_not_in_clear()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var put = await arm.PutAsync($"{instance}/endpoints/bus-1{Version}",
            $$$"""{"properties":{"endpointType":"ServiceBus","primaryConnectionString":"{{{BusConnection}}}"}}""");

        await Adt.OkAsync(put, HttpStatusCode.Created);
        var stored = await fixture.ReadStoredSecretsAsync("bus-1");
        Assert.NotNull(stored);
        Assert.StartsWith("v1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("bus-namespace", stored, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ServiceBus_and_EventGrid_endpoints_show_their_own_properties_and_masks_and_are_listed()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var bus = await arm.PutAsync($"{instance}/endpoints/bus-1{Version}",
            $$$"""{"properties":{"endpointType":"ServiceBus","primaryConnectionString":"{{{BusConnection}}}","secondaryConnectionString":"{{{BusConnection}}}"}}""");
        using var grid = await arm.PutAsync($"{instance}/endpoints/grid-1{Version}",
            $$$"""{"properties":{"endpointType":"EventGrid","TopicEndpoint":"https://topic.westus2-1.eventgrid.azure.net/api/events","accessKey1":"{{{GridKey}}}"}}""");
        using var list = await arm.GetAsync($"{instance}/endpoints{Version}");

        await Adt.OkAsync(bus, HttpStatusCode.Created);
        await Adt.OkAsync(grid, HttpStatusCode.Created);
        await Adt.OkAsync(list);
        var value = (await Adt.JsonAsync(list)).GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(["bus-1", "grid-1"], value.Select(e => e.GetProperty("name").GetString()));
        var busProperties = value[0].GetProperty("properties");
        Assert.Equal("Endpoint=sb://***/;SharedAccessKeyName=***;SharedAccessKey=***;EntityPath=***", busProperties.GetProperty("primaryConnectionString").GetString());
        Assert.Equal("Endpoint=sb://***/;SharedAccessKeyName=***;SharedAccessKey=***;EntityPath=***", busProperties.GetProperty("secondaryConnectionString").GetString());
        Assert.DoesNotContain(busProperties.EnumerateObject(), p => p.Name == "accessKey1");
        var gridProperties = value[1].GetProperty("properties");
        Assert.Equal("https://topic.westus2-1.eventgrid.azure.net/api/events", gridProperties.GetProperty("TopicEndpoint").GetString());
        Assert.Equal("************", gridProperties.GetProperty("accessKey1").GetString());
        Assert.Equal(JsonValueKind.Null, gridProperties.GetProperty("accessKey2").ValueKind);
        Assert.DoesNotContain(GridKey, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_second_put_answers_200_and_a_masked_secret_sent_back_keeps_the_stored_one()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;
        using var first = await arm.PutAsync($"{instance}/endpoints/hub-1{Version}",
            $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}"}}""");
        await Adt.OkAsync(first, HttpStatusCode.Created);
        var before = await fixture.ReadStoredSecretsAsync("hub-1");

        using var second = await arm.PutAsync($"{instance}/endpoints/hub-1{Version}",
            """{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"************","deadLetterUri":"https://storage.example/container"}}""");

        await Adt.OkAsync(second);
        var properties = (await Adt.JsonAsync(second)).GetProperty("properties");
        Assert.Equal("https://storage.example/container", properties.GetProperty("deadLetterUri").GetString());
        Assert.Equal(string.Empty, properties.GetProperty("connectionStringPrimaryKey").GetString());
        Assert.NotEqual(before, await fixture.ReadStoredSecretsAsync("hub-1"));
    }

    [SkippableFact]
    public async Task An_IdentityBased_endpoint_needs_an_sb_endpointUri_and_an_entityPath_and_needs_no_secret()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var missing = await arm.PutAsync($"{instance}/endpoints/hub-id{Version}", """{"properties":{"endpointType":"EventHub","authenticationType":"IdentityBased","endpointUri":"https://x"}}""");
        using var created = await arm.PutAsync($"{instance}/endpoints/hub-id{Version}",
            """{"properties":{"endpointType":"EventHub","authenticationType":"IdentityBased","endpointUri":"sb://hub-namespace.servicebus.windows.net","entityPath":"twins","identity":{"type":"SystemAssigned"}}}""");

        await Adt.ErrorAsync(missing, HttpStatusCode.BadRequest, "InvalidRequestContent");
        await Adt.OkAsync(created, HttpStatusCode.Created);
        var properties = (await Adt.JsonAsync(created)).GetProperty("properties");
        Assert.Equal("IdentityBased", properties.GetProperty("authenticationType").GetString());
        Assert.Equal("sb://hub-namespace.servicebus.windows.net", properties.GetProperty("endpointUri").GetString());
        Assert.Equal("SystemAssigned", properties.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, properties.GetProperty("connectionStringPrimaryKey").ValueKind);
    }

    [SkippableTheory]
    [InlineData("""{"properties":{}}""")]
    [InlineData("""{"properties":{"endpointType":"Kafka"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventHub"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"not a connection string"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":42}}""")]
    [InlineData("""{"properties":{"endpointType":"EventGrid","accessKey1":"k"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventGrid","TopicEndpoint":"http://plain","accessKey1":"k"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventGrid","authenticationType":"IdentityBased","TopicEndpoint":"https://t","accessKey1":"k"}}""")]
    [InlineData("""{"properties":{"endpointType":"ServiceBus","accessKey1":"k"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventHub","authenticationType":"Certificate"}}""")]
    [InlineData("""{"properties":{"endpointType":"EventHub","authenticationType":"IdentityBased","endpointUri":"sb://n","entityPath":"e","identity":{"type":"UserAssigned"}}}""")]
    [InlineData("""{"properties":{"endpointType":"EventGrid","TopicEndpoint":"https://t","accessKey1":"************"}}""")]
    [InlineData("""{"properties":"EventHub"}""")]
    [InlineData("""{"location":"local"}""")]
    [InlineData("""[1]""")]
    [InlineData("""{"properties":""")]
    public async Task Bad_endpoint_bodies_are_refused_with_400_InvalidRequestContent(string body)
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var response = await arm.PutAsync($"{instance}/endpoints/bad-1{Version}", body);

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidRequestContent");
    }

    [SkippableTheory]
    [InlineData("ab")]
    [InlineData("123")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("a_bc")]
    [InlineData("a2345678901234567890123456789012345678901234567890x")]
    public async Task Endpoint_names_that_break_ADTs_rule_are_refused_with_InvalidResourceName(string name)
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;

        using var response = await arm.PutAsync($"{instance}/endpoints/{name}{Version}", $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}"}}""");

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidResourceName");
    }

    [SkippableFact]
    public async Task An_instance_holds_at_most_six_endpoints_and_a_deleted_one_frees_a_place()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;
        var body = $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}"}}""";
        for (var i = 1; i <= 6; i++)
        {
            using var put = await arm.PutAsync($"{instance}/endpoints/hub-{i}{Version}", body);
            await Adt.OkAsync(put, HttpStatusCode.Created);
        }

        using var seventh = await arm.PutAsync($"{instance}/endpoints/hub-7{Version}", body);
        using var delete = await arm.DeleteAsync($"{instance}/endpoints/hub-1{Version}");
        using var deleteAgain = await arm.DeleteAsync($"{instance}/endpoints/hub-1{Version}");
        using var gone = await arm.GetAsync($"{instance}/endpoints/hub-1{Version}");
        using var retry = await arm.PutAsync($"{instance}/endpoints/hub-7{Version}", body);

        await Adt.ErrorAsync(seventh, HttpStatusCode.Conflict, "QuotaExceeded");
        await Adt.OkAsync(delete);
        Assert.Equal("Deleted", (await Adt.JsonAsync(delete)).GetProperty("properties").GetProperty("provisioningState").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleteAgain.StatusCode);
        await Adt.ErrorAsync(gone, HttpStatusCode.NotFound, "ResourceNotFound");
        await Adt.OkAsync(retry, HttpStatusCode.Created);
    }

    [SkippableFact]
    public async Task Endpoints_need_the_instance_and_the_callers_right_to_read_or_write_them()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;
        var reader = Guid.NewGuid().ToString();
        await arm.AssignAsync(instance, ArmServer.ReaderRole, reader);
        using var asReader = fixture.Server.Arm(reader);
        using var asStranger = fixture.Server.Arm(Guid.NewGuid().ToString());
        var body = $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}"}}""";
        using var created = await arm.PutAsync($"{instance}/endpoints/hub-1{Version}", body);
        await Adt.OkAsync(created, HttpStatusCode.Created);

        using var readerGet = await asReader.GetAsync($"{instance}/endpoints/hub-1{Version}");
        using var readerPut = await asReader.PutAsync($"{instance}/endpoints/hub-2{Version}", body);
        using var strangerList = await asStranger.GetAsync($"{instance}/endpoints{Version}");
        using var noInstance = await arm.PutAsync($"{instance}x/endpoints/hub-1{Version}", body);
        using var badVersion = await arm.GetAsync($"{instance}/endpoints?api-version=2020-12-01");

        await Adt.OkAsync(readerGet);
        await Adt.ErrorAsync(readerPut, HttpStatusCode.Forbidden, "AuthorizationFailed");
        await Adt.ErrorAsync(strangerList, HttpStatusCode.Forbidden, "AuthorizationFailed");
        await Adt.ErrorAsync(noInstance, HttpStatusCode.NotFound, "ResourceNotFound");
        await Adt.ErrorAsync(badVersion, HttpStatusCode.BadRequest, "InvalidApiVersionParameter");
    }

    [SkippableFact]
    public async Task Deleting_an_instance_deletes_its_endpoints()
    {
        var (arm, instance) = await NewInstanceAsync();
        using var _ = arm;
        var endpoint = $"del-{Guid.NewGuid():N}";
        using var created = await arm.PutAsync($"{instance}/endpoints/{endpoint}{Version}", $$$"""{"properties":{"endpointType":"EventHub","connectionStringPrimaryKey":"{{{HubConnection}}}"}}""");
        await Adt.OkAsync(created, HttpStatusCode.Created);

        Assert.NotNull(await fixture.ReadStoredSecretsAsync(endpoint));

        using var delete = await arm.DeleteAsync(instance + Version);
        Assert.Equal("Succeeded", await arm.PollAsync(delete.Headers.GetValues("Azure-AsyncOperation").Single()));

        Assert.Null(await fixture.ReadStoredSecretsAsync(endpoint));
    }

    private async Task<(ArmClient Arm, string InstancePath)> NewInstanceAsync()
    {
        fixture.RequireStarted();
        var arm = fixture.Server.Arm();
        var group = ArmServer.NewName("rg");
        var name = ArmServer.NewName();
        await arm.CreateGroupAsync(group);
        Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, name));
        return (arm, ArmServer.InstancePath(group, name));
    }
}

/// <summary>The endpoint tests on SQLite.</summary>
public sealed class SqliteEndpointsApiTests(SqliteEndpointsServer fixture) : EndpointsApiTests(fixture), IClassFixture<SqliteEndpointsServer>;

/// <summary>The endpoint tests on PostgreSQL.</summary>
public sealed class PostgreSqlEndpointsApiTests(PostgreSqlEndpointsServer fixture) : EndpointsApiTests(fixture), IClassFixture<PostgreSqlEndpointsServer>;

/// <summary>A control-plane server for the endpoint tests, with a way to read what the store holds.</summary>
public abstract class EndpointsServer : IAsyncLifetime
{
    private ArmServer? _server;
    private string? _skipReason;

    public ArmServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        try
        {
            _server = await StartAsync();
        }
        catch (SkipException ex)
        {
            _skipReason = ex.Message;
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void RequireStarted()
    {
        Skip.If(_skipReason is not null, _skipReason);
    }

    /// <summary>The <c>protected_secrets</c> column of the endpoint of that name, or null when there is no such row.</summary>
    public abstract Task<string?> ReadStoredSecretsAsync(string endpointName);

    protected abstract Task<ArmServer> StartAsync();
}

/// <summary>The server on its SQLite file.</summary>
public sealed class SqliteEndpointsServer : EndpointsServer
{
    public override async Task<string?> ReadStoredSecretsAsync(string endpointName)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Server.Server.Data.Path, "doppel.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT protected_secrets FROM digital_twins_endpoints WHERE name_key = $name ORDER BY created_at DESC LIMIT 1;";
        command.Parameters.AddWithValue("$name", endpointName);
        return await command.ExecuteScalarAsync() as string;
    }

    protected override Task<ArmServer> StartAsync() => ArmServer.StartAsync("--max-instances-per-subscription", "0");
}

/// <summary>The server on a PostgreSQL schema of its own, dropped afterwards.</summary>
public sealed class PostgreSqlEndpointsServer : EndpointsServer
{
    private NpgsqlDataSource? _admin;
    private string? _schema;

    public override async Task<string?> ReadStoredSecretsAsync(string endpointName)
    {
        await using var command = _admin!.CreateCommand($"SELECT protected_secrets FROM \"{_schema}\".digital_twins_endpoints WHERE name_key = $1 ORDER BY created_at DESC LIMIT 1;");
        command.Parameters.Add(new NpgsqlParameter { Value = endpointName });
        return await command.ExecuteScalarAsync() as string;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_admin is not null)
        {
            await using (var drop = _admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await _admin.DisposeAsync();
        }
    }

    protected override async Task<ArmServer> StartAsync()
    {
        var connectionString = PostgreSqlTestEnvironment.RequireConnectionString();
        _admin = NpgsqlDataSource.Create(connectionString);

        // Letters and digits only, generated here: safe as an identifier, which cannot be a parameter.
        _schema = $"doppel_api_test_{Guid.NewGuid():N}";
        await using (var create = _admin.CreateCommand($"CREATE SCHEMA \"{_schema}\";"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var serverConnection = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = _schema }.ConnectionString;
        return await ArmServer.StartAsync("--max-instances-per-subscription", "0", "--store", "postgres", "--connection-string", serverConnection);
    }
}
