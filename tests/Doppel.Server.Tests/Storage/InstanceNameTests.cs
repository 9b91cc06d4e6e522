using Doppel.Storage;

namespace Doppel.Server.Tests.Storage;

public sealed class InstanceNameTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("my-twins-1")]
    [InlineData("ABC")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_names_are_accepted(string name) => Assert.True(InstanceName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("a_b_c")]
    [InlineData("a.b.c")]
    [InlineData("twïns")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Invalid_names_are_refused(string name) => Assert.False(InstanceName.IsValid(name));

    [Fact]
    public void Normalize_lower_cases_a_valid_name() => Assert.Equal("my-twins", InstanceName.Normalize("My-Twins"));
}
