using System.Text;
using System.Text.Json.Nodes;
using Doppel.Twins.Errors;
using Doppel.Twins.Json;

namespace Doppel.Twins.Tests;

public sealed class JsonPatchTests
{
    private static IReadOnlyList<PatchOperation> Parse(string json) => JsonPatch.Parse(Encoding.UTF8.GetBytes(json), 64);

    private static JsonObject Apply(string document, string patch)
    {
        var root = (JsonObject)JsonNode.Parse(document)!;
        foreach (var operation in Parse(patch))
        {
            JsonPatch.Apply(root, operation);
        }

        return root;
    }

    [Theory]
    [InlineData("/a~1b", "a/b")]
    [InlineData("/m~0n", "m~n")]
    [InlineData("/~01", "~1")]
    [InlineData("/", "")]
    public void Pointer_tokens_are_unescaped_as_RFC_6901_says(string path, string token)
    {
        Assert.Equal([token], JsonPatch.ParsePointer(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("/a~2")]
    [InlineData("/a~")]
    public void Malformed_pointers_are_JsonPatchInvalid(string path)
    {
        var error = Assert.Throws<AdtException>(() => JsonPatch.ParsePointer(path));

        Assert.Equal(AdtErrorCodes.JsonPatchInvalid, error.Code);
    }

    [Fact]
    public void Add_replace_and_remove_work_on_objects_and_arrays()
    {
        var result = Apply("""{"a":1,"list":[1,2],"o":{}}""", """
            [{"op":"replace","path":"/a","value":2},{"op":"add","path":"/list/1","value":9},{"op":"add","path":"/list/-","value":3},
             {"op":"remove","path":"/list/0"},{"op":"add","path":"/o/x","value":{"y":true}},{"op":"add","path":"/new","value":null}]
            """);

        Assert.Equal("""{"a":2,"list":[9,2,3],"o":{"x":{"y":true}},"new":null}""", result.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/missing","value":1}]""")]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"add","path":"/missing/child","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/list/5","value":1}]""")]
    [InlineData("""[{"op":"replace","path":"/list/01","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a/b","value":1}]""")]
    public void Operations_on_paths_that_do_not_exist_are_JsonPatchInvalid(string patch)
    {
        var error = Assert.Throws<AdtException>(() => Apply("""{"a":1,"list":[1]}""", patch));

        Assert.Equal(AdtErrorCodes.JsonPatchInvalid, error.Code);
    }

    [Theory]
    [InlineData("move")]
    [InlineData("copy")]
    [InlineData("test")]
    public void Operations_ADT_does_not_support_are_refused_with_ADTs_message(string op)
    {
        var error = Assert.Throws<AdtException>(() => Parse($$"""[{"op":"{{op}}","from":"/a","path":"/b","value":1}]"""));

        Assert.Equal(AdtErrorCodes.JsonPatchInvalid, error.Code);
        Assert.StartsWith($"Unsupported operation type {op}.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""[1]""")]
    [InlineData("""[{"op":"add","path":"/a"}]""")]
    [InlineData("""[{"op":"add","value":1}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""")]
    [InlineData("""[{"op":1,"path":"/a"}]""")]
    [InlineData("""[""")]
    [InlineData("")]
    public void Malformed_patch_documents_are_JsonPatchInvalid(string patch)
    {
        var error = Assert.Throws<AdtException>(() => Parse(patch));

        Assert.Equal(AdtErrorCodes.JsonPatchInvalid, error.Code);
    }
}
