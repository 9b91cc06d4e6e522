// Models through the official SDK: create, get with and without the definition, list with its async iterators,
// decommission, delete, and the upload errors. Driven by SdkModelsTests.cs.
import { client, collect, failure, meta, run, wire } from "./harness.mjs";
import { catalog, floor, floorTwin, ids, modelData, room, roomTwin, space, thermostat } from "./dtdl.mjs";

await run({
  "create-and-get": async () => {
    const created = await client.createModels(catalog());
    const mark = wire.mark();
    const plain = await client.getModel(ids.room);
    const full = await client.getModel(ids.room, true);
    return {
      created: { ...meta(created), items: created.map(modelData) },
      plain: { ...meta(plain), ...modelData(plain) },
      full: { ...meta(full), ...modelData(full), model: full.model },
      uploaded: room,
      urls: wire.since(mark).map((e) => e.url),
    };
  },

  list: async () => {
    await client.createModels(catalog());
    const all = (await collect(client.listModels())).map(modelData);
    const definitions = (await collect(client.listModels(undefined, true))).map((m) => ({ id: m.id, definitionId: m.model?.["@id"] ?? null }));
    const dependencies = (await collect(client.listModels([ids.room]))).map((m) => m.id);
    const mark = wire.mark();
    const ofTwo = (await collect(client.listModels([ids.thermostat, ids.floor]))).map((m) => m.id);
    const ofTwoUrl = wire.since(mark)[0].url;
    const pages = [];
    for await (const page of client.listModels(undefined, false).byPage({ maxPageSize: 3 })) {
      pages.push(page.value.map((m) => m.id));
    }

    return { all, definitions, dependencies, ofTwo, ofTwoUrl, pages };
  },

  "decommission-and-delete": async () => {
    await client.createModels(catalog());
    await client.upsertDigitalTwin("keeper", JSON.stringify(floorTwin({ level: 1 })));
    const decommissioned = await client.decomissionModel(ids.floor);
    const decommissionRequest = wire.entries.at(-1);
    const after = await client.getModel(ids.floor);
    const newTwin = await failure(client.upsertDigitalTwin("newcomer", JSON.stringify(floorTwin())));
    const existingTwin = await client.updateDigitalTwin("keeper", [{ op: "replace", path: "/level", value: 2 }]);
    const extended = await failure(client.deleteModel(ids.space));
    const embedded = await failure(client.deleteModel(ids.thermostat));
    const deleted = await client.deleteModel(ids.floor);
    const gone = await failure(client.getModel(ids.floor));
    const listed = (await collect(client.listModels())).map((m) => m.id);
    const orphan = await client.getDigitalTwin("keeper");
    const orphanDeleted = await client.deleteDigitalTwin("keeper");
    const reuploaded = await client.createModels([floor]);
    return {
      decommissioned: meta(decommissioned),
      decommissionRequest: { method: decommissionRequest.method, headers: decommissionRequest.headers, body: JSON.parse(decommissionRequest.body) },
      after: modelData(after),
      newTwin,
      existingTwin: meta(existingTwin),
      extended,
      embedded,
      deleted: meta(deleted),
      gone,
      listed,
      orphan: { ...meta(orphan), level: orphan.body.level, model: orphan.body.$metadata.$model },
      orphanDeleted: meta(orphanDeleted),
      reuploaded: { ...meta(reuploaded), decommissioned: reuploaded[0].decommissioned },
    };
  },

  "upload-errors": async () => {
    await client.createModels([space]);
    const invalid = await failure(client.createModels([{
      "@id": "dtmi:compat:Bad;1", "@type": "Interface", "@context": "dtmi:dtdl:context;3",
      contents: [{ "@type": "Property", name: "noSchema" }, { "@type": "Property", name: "1bad", schema: "string" }],
    }]));
    const duplicate = await failure(client.createModels([thermostat, space]));
    const partOfTheFailedBatch = await failure(client.getModel(ids.thermostat));
    const missingReference = await failure(client.createModels([room]));
    const empty = await failure(client.createModels([]));
    const twinOfMissingModel = await failure(client.upsertDigitalTwin("t", JSON.stringify(roomTwin())));
    return { invalid, duplicate, partOfTheFailedBatch, missingReference, empty, twinOfMissingModel };
  },
});
