// Errors as a caller of the official SDK sees them: a RestError whose statusCode and code are ADT's, for every kind
// of operation. Driven by SdkErrorsTests.cs, which holds the expected table.
import { client, collect, endpoint, failure, makeClient, run, wire } from "./harness.mjs";
import { ids, roomTwin, setup } from "./dtdl.mjs";

await run({
  codes: async () => {
    await setup("room-1", "room-2");
    await client.upsertRelationship("room-1", "r", { $targetId: "room-2", $relationshipName: "adjacentTo" });
    const missingModel = "dtmi:compat:Missing;1";
    const patch = [{ op: "add", path: "/area", value: 1 }];
    const mark = wire.mark();
    const observed = {
      "getDigitalTwin of a missing twin": await failure(client.getDigitalTwin("ghost")),
      "updateDigitalTwin of a missing twin": await failure(client.updateDigitalTwin("ghost", patch)),
      "deleteDigitalTwin of a missing twin": await failure(client.deleteDigitalTwin("ghost")),
      "getComponent of a missing twin": await failure(client.getComponent("ghost", "thermostat")),
      "upsertRelationship from a missing twin": await failure(client.upsertRelationship("ghost", "r", { $targetId: "room-1", $relationshipName: "adjacentTo" })),
      "listRelationships of a missing twin": await failure(collect(client.listRelationships("ghost"))),
      "listIncomingRelationships of a missing twin": await failure(collect(client.listIncomingRelationships("ghost"))),
      "publishTelemetry of a missing twin": await failure(client.publishTelemetry("ghost", {}, "m")),
      "getRelationship of a missing relationship": await failure(client.getRelationship("room-1", "none")),
      "updateRelationship of a missing relationship": await failure(client.updateRelationship("room-1", "none", [{ op: "add", path: "/doorCount", value: 1 }])),
      "deleteRelationship of a missing relationship": await failure(client.deleteRelationship("room-1", "none")),
      "upsertRelationship to a missing twin": await failure(client.upsertRelationship("room-1", "x", { $targetId: "ghost", $relationshipName: "adjacentTo" })),
      "getComponent of a missing component": await failure(client.getComponent("room-1", "nothere")),
      "getModel of a missing model": await failure(client.getModel(missingModel)),
      "deleteModel of a missing model": await failure(client.deleteModel(missingModel)),
      "decomissionModel of a missing model": await failure(client.decomissionModel(missingModel)),
      "listModels with dependencies of a missing model": await failure(collect(client.listModels([missingModel]))),
      "getModel with an id that is no DTMI": await failure(client.getModel("not-a-dtmi")),
      "createModels of an existing model": await failure(client.createModels([{ "@id": ids.space, "@type": "Interface", "@context": "dtmi:dtdl:context;3" }])),
      "createModels of invalid DTDL": await failure(client.createModels([{ "@id": "dtmi:compat:X;1", "@type": "Interface", "@context": "dtmi:dtdl:context;3", contents: [{ "@type": "Telemetry", name: "t" }] }])),
      "deleteModel of a model others extend": await failure(client.deleteModel(ids.space)),
      "upsertDigitalTwin of a missing model": await failure(client.upsertDigitalTwin("t", JSON.stringify({ $metadata: { $model: missingModel } }))),
      "upsertDigitalTwin with a property of the wrong type": await failure(client.upsertDigitalTwin("t", JSON.stringify(roomTwin({ area: "wide" })))),
      "upsertDigitalTwin without its component": await failure(client.upsertDigitalTwin("t", JSON.stringify({ $metadata: { $model: ids.room } }))),
      "upsertDigitalTwin with an If-None-Match other than *": await failure(client.upsertDigitalTwin("t", JSON.stringify(roomTwin()), { ifNoneMatch: 'W/"x"' })),
      "upsertDigitalTwin over 32 KiB": await failure(client.upsertDigitalTwin("t", JSON.stringify(roomTwin({ name: "x".repeat(40 * 1024) })))),
      "updateDigitalTwin with a move operation": await failure(client.updateDigitalTwin("room-1", [{ op: "move", from: "/area", path: "/name" }])),
      "updateDigitalTwin with a stale ETag": await failure(client.updateDigitalTwin("room-1", patch, { ifMatch: 'W/"00000000-0000-0000-0000-000000000000"' })),
      "deleteDigitalTwin with relationships": await failure(client.deleteDigitalTwin("room-1")),
      "upsertRelationship to itself": await failure(client.upsertRelationship("room-1", "self", { $targetId: "room-1", $relationshipName: "adjacentTo" })),
      "upsertRelationship with a name the model lacks": await failure(client.upsertRelationship("room-1", "x", { $targetId: "room-2", $relationshipName: "owns" })),
    };
    const requests = wire.since(mark);
    // Clients the server must refuse: a token it cannot validate, and an instance it does not serve.
    const [base] = endpoint.split("/instances/");
    observed["any call with an invalid token"] = await failure(makeClient({}, "not-a-jwt").getDigitalTwin("room-1"));
    observed["any call to an unknown instance"] = await failure(makeClient({}, undefined, `${base}/instances/nosuchinstance`).getDigitalTwin("room-1"));
    return {
      observed,
      serverErrors: requests.filter((e) => e.status >= 500).map((e) => `${e.method} ${e.url} ${e.status}`),
      // One request per call: no 5xx means no retries by the SDK's retry policy.
      calls: Object.keys(observed).length - 2,
      requests: requests.length,
    };
  },
});
