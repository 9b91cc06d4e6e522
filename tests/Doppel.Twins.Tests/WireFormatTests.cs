using Doppel.Twins.Json;

namespace Doppel.Twins.Tests;

public sealed class WireFormatTests
{
    [Fact]
    public void New_ETags_are_weak_quoted_uuids_and_differ()
    {
        var first = WireFormat.NewETag();
        var second = WireFormat.NewETag();

        Assert.Matches("^W/\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"$", first);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"x\", W/\"abc\"", true)]
    [InlineData("W/\"x\"", false)]
    [InlineData("abc", false)]
    public void If_Match_compares_weakly_against_any_listed_ETag(string ifMatch, bool matches)
    {
        Assert.Equal(matches, WireFormat.IfMatchMatches(ifMatch, "W/\"abc\""));
    }

    [Fact]
    public void Timestamps_have_seven_fractional_digits_and_Z()
    {
        var time = new DateTimeOffset(2023, 1, 9, 23, 21, 20, TimeSpan.FromHours(2)).AddTicks(279476);

        Assert.Equal("2023-01-09T21:21:20.0279476Z", WireFormat.Timestamp(time));
    }

    [Theory]
    [InlineData("2022-05-31T12:00:01.000125009Z", true)]
    [InlineData("2022-05-31T12:00:01+02:00", true)]
    [InlineData("2022-05-31", false)]
    [InlineData("yesterday", false)]
    [InlineData("2022-05-31 12:00:01Z", false)]
    public void Date_times_must_be_RFC_3339(string text, bool valid)
    {
        Assert.Equal(valid, WireFormat.IsDateTime(text));
    }
}
