// Twins through the official SDK: upsert (create-only with ifNoneMatch), get, JSON Patch with ETags, delete with
// ETags, ids that need percent-encoding. Driven by SdkTwinsTests.cs.
import { client, failure, inParallel, meta, run, wire } from "./harness.mjs";
import { roomTwin, setup } from "./dtdl.mjs";

const patchRequests = (mark) =>
  wire.since(mark).filter((e) => e.method === "PATCH" || e.method === "DELETE" || e.method === "PUT")
    .map((e) => ({ method: e.method, headers: e.headers, status: e.status, responseHeaders: e.responseHeaders }));

await run({
  "upsert-and-get": async () => {
    await setup();
    const body = roomTwin({
      $dtId: "ignored", area: 12.5, name: "lobby",
      thermostat: { $metadata: { setpoint: { sourceTime: "2022-05-31T12:00:01.000125009Z" } }, setpoint: 20 },
    });
    const created = await client.upsertDigitalTwin("room-1", JSON.stringify(body));
    const got = await client.getDigitalTwin("room-1");
    const replaced = await client.upsertDigitalTwin("room-1", JSON.stringify({ ...body, area: 20 }));
    const mark = wire.mark();
    const createOnlyExisting = await failure(client.upsertDigitalTwin("room-1", JSON.stringify(body), { ifNoneMatch: "*" }));
    const createOnlyNew = await client.upsertDigitalTwin("room-2", JSON.stringify(body), { ifNoneMatch: "*" });
    return {
      created: { ...meta(created), body: created.body },
      got: { ...meta(got), body: got.body },
      replaced: { ...meta(replaced), area: replaced.body.area },
      createOnlyExisting,
      createOnlyNew: meta(createOnlyNew),
      createOnlyRequests: patchRequests(mark),
    };
  },

  "update-with-etag": async () => {
    await setup();
    const created = await client.upsertDigitalTwin("room-1", JSON.stringify(roomTwin({ area: 12, name: "a" })));
    let mark = wire.mark();
    const updated = await client.updateDigitalTwin("room-1", [
      { op: "replace", path: "/area", value: 13 },
      { op: "add", path: "/occupied", value: true },
      { op: "add", path: "/$metadata/area/sourceTime", value: "2024-01-01T00:00:00Z" },
    ], { ifMatch: created.etag });
    const stale = await failure(client.updateDigitalTwin("room-1", [{ op: "replace", path: "/area", value: 14 }], { ifMatch: created.etag }));
    const conditionalRequests = patchRequests(mark);
    const wildcard = await client.updateDigitalTwin("room-1", [{ op: "remove", path: "/occupied" }], { ifMatch: "*" });
    // `etag` is not an option of updateDigitalTwin in 1.1.0 (`ifMatch` is): the SDK sends no If-Match for it.
    mark = wire.mark();
    const misnamedOption = await client.updateDigitalTwin("room-1", [{ op: "replace", path: "/name", value: "b" }], { etag: created.etag });
    const misnamedRequest = patchRequests(mark)[0];
    const after = await client.getDigitalTwin("room-1");
    return {
      created: meta(created),
      updated: meta(updated),
      stale,
      conditionalRequests,
      wildcard: meta(wildcard),
      misnamedOption: meta(misnamedOption),
      misnamedRequest,
      after: { ...meta(after), body: after.body },
    };
  },

  "delete-with-etag": async () => {
    await setup();
    const created = await client.upsertDigitalTwin("room-1", JSON.stringify(roomTwin()));
    const patched = await client.updateDigitalTwin("room-1", [{ op: "add", path: "/area", value: 1 }]);
    const mark = wire.mark();
    const stale = await failure(client.deleteDigitalTwin("room-1", { ifMatch: created.etag }));
    const stillThere = await client.getDigitalTwin("room-1");
    const deleted = await client.deleteDigitalTwin("room-1", { ifMatch: patched.etag });
    const requests = patchRequests(mark);
    const gone = await failure(client.getDigitalTwin("room-1"));
    const again = await failure(client.deleteDigitalTwin("room-1"));
    await client.upsertDigitalTwin("room-2", JSON.stringify(roomTwin()));
    const wildcard = await client.deleteDigitalTwin("room-2", { ifMatch: "*" });
    return {
      stale,
      stillThere: { ...meta(stillThere), area: stillThere.body.area },
      deleted: meta(deleted),
      requests,
      gone,
      again,
      wildcard: meta(wildcard),
    };
  },

  "property-values": async () => {
    const sensor = {
      "@id": "dtmi:compat:Sensor;1", "@type": "Interface", "@context": "dtmi:dtdl:context;3",
      contents: [
        ["i", "integer"], ["l", "long"], ["d", "double"], ["f", "float"], ["b", "boolean"], ["s", "string"],
        ["date", "date"], ["dateTime", "dateTime"], ["time", "time"], ["duration", "duration"],
      ].map(([name, schema]) => ({ "@type": "Property", name, schema })).concat([
        { "@type": "Property", name: "mode", schema: { "@type": "Enum", valueSchema: "string", enumValues: [{ name: "on", enumValue: "on" }, { name: "off", enumValue: "off" }] } },
        { "@type": "Property", name: "tags", schema: { "@type": "Map", mapKey: { name: "k", schema: "string" }, mapValue: { name: "v", schema: "string" } } },
        { "@type": "Property", name: "address", schema: { "@type": "Object", fields: [{ name: "street", schema: "string" }, { name: "number", schema: "integer" }] } },
        { "@type": "Property", name: "readings", schema: { "@type": "Array", elementSchema: "double" } },
      ]),
    };
    await client.createModels([sensor]);
    const values = {
      i: 2147483647, l: 9007199254740991, d: 1e-7, f: 0.5, b: false, s: "ünï \"quoted\" <tag> & 😀 \\ / \n",
      date: "2024-02-29", dateTime: "2024-02-29T12:34:56.789Z", time: "12:34:56", duration: "P1DT2H",
      mode: "on", tags: { "key with space": "v1", "ü": "" }, address: { street: "Main", number: -5 }, readings: [1.5, -2, 0],
    };
    const created = await client.upsertDigitalTwin("sensor-1", JSON.stringify({ $metadata: { $model: sensor["@id"] }, ...values }));
    const got = await client.getDigitalTwin("sensor-1");
    const pick = (body) => Object.fromEntries(Object.keys(values).map((k) => [k, body[k]]));
    const patched = await client.updateDigitalTwin("sensor-1", [
      { op: "replace", path: "/d", value: -123456.789 },
      { op: "add", path: "/tags/new", value: "x" },
      { op: "replace", path: "/address/street", value: "Side" },
      { op: "replace", path: "/readings", value: [] },
    ]);
    const after = await client.getDigitalTwin("sensor-1");
    return {
      sent: values,
      created: pick(created.body),
      got: pick(got.body),
      patched: meta(patched),
      after: { d: after.body.d, tags: after.body.tags, address: after.body.address, readings: after.body.readings },
    };
  },

  "concurrent-if-match": async () => {
    await setup();
    const created = await client.upsertDigitalTwin("race", JSON.stringify(roomTwin({ area: 0 })));
    const outcomes = await inParallel(Array.from({ length: 20 }, (_, i) => async () => {
      try {
        const r = await client.updateDigitalTwin("race", [{ op: "replace", path: "/area", value: i + 1 }], { ifMatch: created.etag });
        return { status: meta(r).status, etag: r.etag, value: i + 1 };
      } catch (error) {
        return { status: error.statusCode, code: error.code };
      }
    }), 20);
    const after = await client.getDigitalTwin("race");
    return { outcomes, after: { etag: after.etag, area: after.body.area } };
  },

  "reserved-ids": async () => {
    await setup();
    const ids = ["a/b", "q?x=1", "hash#tag", "100%", "%2F", "ünïcödé-名前", "a b+c", "semi;colon:x"];
    const results = {};
    for (const id of ids) {
      const mark = wire.mark();
      const created = await client.upsertDigitalTwin(id, JSON.stringify(roomTwin({ area: 1 })));
      const got = await client.getDigitalTwin(id);
      const updated = await client.updateDigitalTwin(id, [{ op: "replace", path: "/area", value: 2 }], { ifMatch: got.etag });
      const component = await client.getComponent(id, "thermostat");
      const after = await client.getDigitalTwin(id);
      const deleted = await client.deleteDigitalTwin(id, { ifMatch: after.etag });
      const gone = await failure(client.getDigitalTwin(id));
      results[id] = {
        urls: [...new Set(wire.since(mark).map((e) => e.url))],
        created: created.body.$dtId,
        got: got.body.$dtId,
        updated: meta(updated).status,
        component: meta(component).status,
        area: after.body.area,
        deleted: meta(deleted).status,
        gone: gone.code,
      };
    }

    return results;
  },
});
