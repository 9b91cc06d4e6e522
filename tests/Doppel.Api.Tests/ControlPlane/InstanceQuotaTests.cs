using System.Net;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.ControlPlane;

/// <summary>The quota of instances per location per subscription (ADT: 10), set lower here by the server option.</summary>
public sealed class InstanceQuotaTests
{
    private const string Version = "?api-version=" + ArmServer.DigitalTwinsApiVersion;

    [Fact]
    public async Task Creating_more_instances_than_the_quota_in_one_location_is_refused_with_409_QuotaExceeded_and_a_deletion_frees_a_place()
    {
        var server = await ArmServer.StartAsync("--max-instances-per-subscription", "2");
        try
        {
            using var arm = server.Arm();
            var group = ArmServer.NewName("rg");
            await arm.CreateGroupAsync(group);
            var first = ArmServer.NewName();
            Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, first));
            Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, ArmServer.NewName()));

            using var refused = await arm.PutAsync(ArmServer.InstancePath(group, ArmServer.NewName()) + Version, """{"location":"local"}""");

            var error = await Adt.ErrorAsync(refused, HttpStatusCode.Conflict, "QuotaExceeded");
            Assert.Contains("quota of 2 instances per region per subscription", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            using var update = await arm.PutAsync(ArmServer.InstancePath(group, first) + Version, """{"location":"local","tags":{"still":"allowed"}}""");
            await Adt.OkAsync(update);
            using var delete = await arm.DeleteAsync(ArmServer.InstancePath(group, first) + Version);
            Assert.Equal("Succeeded", await arm.PollAsync(delete.Headers.GetValues("Azure-AsyncOperation").Single()));
            Assert.Equal("Succeeded", await arm.CreateInstanceAsync(group, ArmServer.NewName()));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_default_quota_is_ADTs_ten_instances_per_location()
    {
        var server = await ArmServer.StartAsync();
        try
        {
            using var arm = server.Arm();
            var group = ArmServer.NewName("rg");
            await arm.CreateGroupAsync(group);
            for (var i = 0; i < 10; i++)
            {
                using var created = await arm.PutAsync(ArmServer.InstancePath(group, ArmServer.NewName()) + Version, """{"location":"local"}""");
                await Adt.OkAsync(created, HttpStatusCode.Created);
            }

            using var eleventh = await arm.PutAsync(ArmServer.InstancePath(group, ArmServer.NewName()) + Version, """{"location":"local"}""");

            await Adt.ErrorAsync(eleventh, HttpStatusCode.Conflict, "QuotaExceeded");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
