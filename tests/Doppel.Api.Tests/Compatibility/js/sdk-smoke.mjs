// Drives a Doppel instance with the official @azure/digital-twins-core SDK, unmodified.
// Usage: DOPPEL_ENDPOINT=https://localhost:PORT/instances/NAME DOPPEL_TOKEN=<jwt> NODE_EXTRA_CA_CERTS=ca.crt node sdk-smoke.mjs
import assert from "node:assert/strict";
import { DigitalTwinsClient } from "@azure/digital-twins-core";

const credential = {
  getToken: async () => ({ token: process.env.DOPPEL_TOKEN, expiresOnTimestamp: Date.now() + 3600 * 1000 }),
};
const client = new DigitalTwinsClient(process.env.DOPPEL_ENDPOINT, credential);

const thermostat = {
  "@id": "dtmi:compat:Thermostat;1", "@type": "Interface", "@context": "dtmi:dtdl:context;2",
  contents: [{ "@type": "Property", name: "setpoint", schema: "double" }],
};
const room = {
  "@id": "dtmi:compat:Room;1", "@type": "Interface", "@context": "dtmi:dtdl:context;2", displayName: "Room",
  contents: [
    { "@type": "Property", name: "area", schema: "double" },
    { "@type": "Component", name: "thermostat", schema: "dtmi:compat:Thermostat;1" },
    { "@type": "Relationship", name: "adjacentTo", target: "dtmi:compat:Room;1", properties: [{ "@type": "Property", name: "doorCount", schema: "integer" }] },
  ],
};

async function expectError(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.statusCode, status, `status of ${code}: ${e.message}`);
    assert.equal(e.code, code, `code: ${e.message}`);
    return;
  }
  assert.fail(`expected ${status} ${code}`);
}

async function step(name, body) {
  await body();
  console.log(`ok - ${name}`);
}

await step("models: create, get, list by page, dependencies, errors", async () => {
  const created = await client.createModels([thermostat, room]);
  assert.equal(created.length, 2);
  assert.deepEqual(created.find((m) => m.id === room["@id"]).displayName, { en: "Room" });
  const model = await client.getModel(room["@id"], true);
  assert.equal(model.model["@id"], room["@id"]);
  assert.ok(model.uploadTime instanceof Date);
  const ids = [];
  let pages = 0;
  for await (const page of client.listModels(undefined, false).byPage({ maxPageSize: 1 })) {
    pages++;
    ids.push(...page.value.map((m) => m.id));
  }
  assert.equal(pages, 2);
  assert.deepEqual(ids, [thermostat["@id"], room["@id"]]);
  const deps = [];
  for await (const m of client.listModels([room["@id"]], true)) deps.push(m.id);
  assert.deepEqual(deps, [thermostat["@id"], room["@id"]]);
  await expectError(client.createModels([room]), 409, "ModelAlreadyExists");
  await expectError(client.getModel("dtmi:compat:Nothing;1"), 404, "ModelNotFound");
  await expectError(client.createModels([{ "@id": "dtmi:compat:Bad;1", "@type": "Interface", "@context": "dtmi:dtdl:context;2", contents: [{ "@type": "Property", name: "x" }] }]), 400, "DTDLParserError");
});

await step("twins: upsert with onlyIfNotExists, get, update with etag, 412 on a stale etag", async () => {
  const twin = { $metadata: { $model: room["@id"] }, area: 12, thermostat: { $metadata: {} } };
  const created = await client.upsertDigitalTwin("r1", JSON.stringify(twin), { ifNoneMatch: "*" });
  assert.match(created.etag, /^W\/"/);
  assert.equal(created.body.$etag, created.etag);
  await expectError(client.upsertDigitalTwin("r1", JSON.stringify(twin), { ifNoneMatch: "*" }), 412, "PreconditionFailed");
  await client.upsertDigitalTwin("r2", JSON.stringify(twin));
  const got = await client.getDigitalTwin("r1");
  assert.equal(got.etag, created.etag);
  const updated = await client.updateDigitalTwin("r1", [{ op: "replace", path: "/area", value: 13 }], { ifMatch: got.etag });
  assert.ok(updated.etag && updated.etag !== got.etag);
  await expectError(client.updateDigitalTwin("r1", [{ op: "replace", path: "/area", value: 14 }], { ifMatch: got.etag }), 412, "PreconditionFailed");
  assert.equal((await client.getDigitalTwin("r1")).body.area, 13);
  await expectError(client.getDigitalTwin("nobody"), 404, "DigitalTwinNotFound");
  await expectError(client.updateDigitalTwin("r1", [{ op: "move", from: "/area", path: "/x" }]), 400, "JsonPatchInvalid");
  await expectError(client.upsertDigitalTwin("bad", JSON.stringify({ $metadata: { $model: room["@id"] }, area: "wide", thermostat: { $metadata: {} } })), 400, "ValidationFailed");
});

await step("components: get and update with etag", async () => {
  const component = await client.getComponent("r1", "thermostat");
  assert.ok(component.etag);
  const updated = await client.updateComponent("r1", "thermostat", [{ op: "add", path: "/setpoint", value: 21.5 }], { ifMatch: component.etag });
  assert.ok(updated.etag);
  assert.equal((await client.getComponent("r1", "thermostat")).body.setpoint, 21.5);
  await expectError(client.getComponent("r1", "nothere"), 404, "ComponentNotFound");
});

await step("relationships: upsert, get, update, list both ways, delete", async () => {
  const rel = await client.upsertRelationship("r1", "r1-r2", { $targetId: "r2", $relationshipName: "adjacentTo", doorCount: 1 });
  assert.ok(rel.etag);
  assert.equal(rel.body.$sourceId, "r1");
  const got = await client.getRelationship("r1", "r1-r2");
  await client.updateRelationship("r1", "r1-r2", [{ op: "replace", path: "/doorCount", value: 2 }], { ifMatch: got.etag });
  const outgoing = [];
  for await (const r of client.listRelationships("r1", { relationshipName: "adjacentTo" })) outgoing.push(r);
  assert.equal(outgoing.length, 1);
  assert.equal(outgoing[0].doorCount, 2);
  const incoming = [];
  for await (const r of client.listIncomingRelationships("r2")) incoming.push(r);
  assert.deepEqual(incoming.map((r) => [r.relationshipId, r.sourceId, r.relationshipName]), [["r1-r2", "r1", "adjacentTo"]]);
  await expectError(client.deleteDigitalTwin("r2"), 400, "RelationshipsNotDeleted");
  await expectError(client.upsertRelationship("r1", "self", { $targetId: "r1", $relationshipName: "adjacentTo" }), 400, "OperationNotAllowed");
  await expectError(client.upsertRelationship("r1", "x", { $targetId: "ghost", $relationshipName: "adjacentTo" }), 404, "TargetTwinNotFound");
  await client.deleteRelationship("r1", "r1-r2");
  await expectError(client.getRelationship("r1", "r1-r2"), 404, "RelationshipNotFound");
});

await step("telemetry: twin and component (the SDK swaps payload and message id for components)", async () => {
  await client.publishTelemetry("r1", { area: 3 }, "msg-1");
  await client.publishComponentTelemetry("r1", "thermostat", JSON.stringify({ temp: 20.5 }), "msg-2");
});

await step("models: decommission, delete, twins without their model can be deleted", async () => {
  await client.decomissionModel(room["@id"]);
  assert.equal((await client.getModel(room["@id"])).decommissioned, true);
  await expectError(client.upsertDigitalTwin("r3", JSON.stringify({ $metadata: { $model: room["@id"] }, thermostat: { $metadata: {} } })), 400, "ModelDecommissioned");
  await expectError(client.deleteModel(thermostat["@id"]), 409, "ModelReferencesNotDeleted");
  await client.deleteModel(room["@id"]);
  await client.deleteDigitalTwin("r1");
  await client.deleteDigitalTwin("r2");
});

console.log("all ok");
