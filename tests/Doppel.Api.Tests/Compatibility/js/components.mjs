// Components through the official SDK: get with the twin's ETag, JSON Patch relative to the component with
// If-Match, and the errors. Driven by SdkComponentsTests.cs.
import { client, failure, meta, run, wire } from "./harness.mjs";
import { roomTwin, setup } from "./dtdl.mjs";

await run({
  "get-and-update": async () => {
    await setup();
    await client.upsertDigitalTwin("room-1", JSON.stringify(roomTwin({ area: 1, thermostat: { $metadata: {}, setpoint: 20 } })));
    const twin = await client.getDigitalTwin("room-1");
    const component = await client.getComponent("room-1", "thermostat");
    const mark = wire.mark();
    const updated = await client.updateComponent("room-1", "thermostat", [
      { op: "replace", path: "/setpoint", value: 21.5 },
      { op: "add", path: "/mode", value: "heat" },
      { op: "add", path: "/$metadata/setpoint/sourceTime", value: "2024-05-01T10:00:00Z" },
    ], { ifMatch: component.etag });
    const updateRequest = wire.since(mark)[0];
    const stale = await failure(client.updateComponent("room-1", "thermostat", [{ op: "replace", path: "/setpoint", value: 1 }], { ifMatch: component.etag }));
    const after = await client.getComponent("room-1", "thermostat");
    const twinAfter = await client.getDigitalTwin("room-1");
    const wildcard = await client.updateComponent("room-1", "thermostat", [{ op: "remove", path: "/mode" }], { ifMatch: "*" });
    const last = await client.getComponent("room-1", "thermostat");
    return {
      twin: meta(twin),
      component: { ...meta(component), body: component.body },
      updated: meta(updated),
      updateRequest: { url: updateRequest.url, headers: updateRequest.headers, body: JSON.parse(updateRequest.body) },
      stale,
      after: { ...meta(after), body: after.body },
      twinAfter: { ...meta(twinAfter), thermostat: twinAfter.body.thermostat, area: twinAfter.body.area },
      wildcard: meta(wildcard),
      last: { ...meta(last), body: last.body },
    };
  },

  errors: async () => {
    await setup("room-1");
    return {
      missingComponent: await failure(client.getComponent("room-1", "nothere")),
      propertyIsNoComponent: await failure(client.getComponent("room-1", "area")),
      missingTwin: await failure(client.getComponent("ghost", "thermostat")),
      updateOfMissingComponent: await failure(client.updateComponent("room-1", "nothere", [{ op: "add", path: "/setpoint", value: 1 }])),
      updateOfMissingTwin: await failure(client.updateComponent("ghost", "thermostat", [{ op: "add", path: "/setpoint", value: 1 }])),
      unknownProperty: await failure(client.updateComponent("room-1", "thermostat", [{ op: "add", path: "/humidity", value: 1 }])),
      wrongType: await failure(client.updateComponent("room-1", "thermostat", [{ op: "add", path: "/setpoint", value: "warm" }])),
      unsupportedOperation: await failure(client.updateComponent("room-1", "thermostat", [{ op: "copy", from: "/setpoint", path: "/mode" }])),
    };
  },
});
