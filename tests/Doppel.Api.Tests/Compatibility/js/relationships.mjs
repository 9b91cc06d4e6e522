// Relationships through the official SDK, both directions: upsert, get, list outgoing (all and by
// relationshipName), list incoming, update and delete with ETags, and the model checks. Driven by
// SdkRelationshipsTests.cs.
import { client, collect, failure, meta, run, wire } from "./harness.mjs";
import { floorTwin, setup } from "./dtdl.mjs";

const adjacent = (target, doorCount) => ({ $targetId: target, $relationshipName: "adjacentTo", doorCount });

await run({
  "both-directions": async () => {
    await setup("room-a", "room-b");
    await client.upsertDigitalTwin("floor-1", JSON.stringify(floorTwin({ level: 1 })));
    const ab = await client.upsertRelationship("room-a", "a-b", adjacent("room-b", 1));
    const ba = await client.upsertRelationship("room-b", "b-a", adjacent("room-a", 2));
    await client.upsertRelationship("room-a", "a-near-floor", { $targetId: "floor-1", $relationshipName: "near" });
    await client.upsertRelationship("floor-1", "floor-has-a", { $targetId: "room-a", $relationshipName: "contains" });
    const got = await client.getRelationship("room-a", "a-b");
    const outgoing = await collect(client.listRelationships("room-a"));
    let mark = wire.mark();
    const named = await collect(client.listRelationships("room-a", { relationshipName: "adjacentTo" }));
    const namedUrl = wire.since(mark)[0].url;
    const incomingOfA = await collect(client.listIncomingRelationships("room-a"));
    const incomingOfB = await collect(client.listIncomingRelationships("room-b"));
    mark = wire.mark();
    const incomingOfFloor = await collect(client.listIncomingRelationships("floor-1"));
    const incomingUrl = wire.since(mark)[0].url;
    return {
      ab: { ...meta(ab), body: ab.body },
      ba: { ...meta(ba), body: ba.body },
      got: { ...meta(got), body: got.body },
      outgoing,
      named,
      namedUrl,
      incomingOfA,
      incomingOfB,
      incomingOfFloor,
      incomingUrl,
    };
  },

  "update-and-delete": async () => {
    await setup("room-a", "room-b");
    const created = await client.upsertRelationship("room-a", "a-b", adjacent("room-b", 1), { ifNoneMatch: "*" });
    const createOnly = await failure(client.upsertRelationship("room-a", "a-b", adjacent("room-b", 9), { ifNoneMatch: "*" }));
    let mark = wire.mark();
    const updated = await client.updateRelationship("room-a", "a-b", [{ op: "replace", path: "/doorCount", value: 3 }], { ifMatch: created.etag });
    const updateRequest = wire.since(mark)[0];
    const stale = await failure(client.updateRelationship("room-a", "a-b", [{ op: "replace", path: "/doorCount", value: 4 }], { ifMatch: created.etag }));
    const got = await client.getRelationship("room-a", "a-b");
    const replaced = await client.upsertRelationship("room-a", "a-b", adjacent("room-b", 5));
    const staleDelete = await failure(client.deleteRelationship("room-a", "a-b", { ifMatch: got.etag }));
    mark = wire.mark();
    const deleted = await client.deleteRelationship("room-a", "a-b", { ifMatch: replaced.etag });
    const deleteRequest = wire.since(mark)[0];
    const gone = await failure(client.getRelationship("room-a", "a-b"));
    const deletedAgain = await failure(client.deleteRelationship("room-a", "a-b"));
    const outgoingAfter = await collect(client.listRelationships("room-a"));
    const incomingAfter = await collect(client.listIncomingRelationships("room-b"));
    await client.upsertRelationship("room-a", "a-b-2", adjacent("room-b", 1));
    const wildcard = await client.deleteRelationship("room-a", "a-b-2", { ifMatch: "*" });
    const targetDeleted = await client.deleteDigitalTwin("room-b");
    return {
      created: meta(created),
      createOnly,
      updated: meta(updated),
      updateRequest: { headers: updateRequest.headers, body: JSON.parse(updateRequest.body) },
      stale,
      got: { ...meta(got), doorCount: got.body.doorCount },
      replaced: { ...meta(replaced), doorCount: replaced.body.doorCount },
      staleDelete,
      deleted: meta(deleted),
      deleteRequest: { headers: deleteRequest.headers, status: deleteRequest.status },
      gone,
      deletedAgain,
      outgoingAfter,
      incomingAfter,
      wildcard: meta(wildcard),
      targetDeleted: meta(targetDeleted),
    };
  },

  "reserved-ids": async () => {
    const source = "room/a ü";
    const target = "room?b#%2F";
    const id = "rel/1 ?#%25 名";
    await setup(source, target);
    const created = await client.upsertRelationship(source, id, adjacent(target, 1));
    const got = await client.getRelationship(source, id);
    const updated = await client.updateRelationship(source, id, [{ op: "replace", path: "/doorCount", value: 2 }], { ifMatch: got.etag });
    const outgoing = await collect(client.listRelationships(source, { relationshipName: "adjacentTo" }));
    const incoming = await collect(client.listIncomingRelationships(target));
    const deleted = await client.deleteRelationship(source, id, { ifMatch: updated.etag });
    const gone = await failure(client.getRelationship(source, id));
    return {
      source, target, id,
      created: { ...meta(created), body: created.body },
      got: { ...meta(got), body: got.body },
      updated: meta(updated),
      outgoing: outgoing.map((r) => ({ id: r.$relationshipId, sourceId: r.$sourceId, targetId: r.$targetId, doorCount: r.doorCount })),
      incoming,
      deleted: meta(deleted),
      gone,
    };
  },

  "model-checks": async () => {
    await setup("room-a", "room-b");
    await client.upsertDigitalTwin("floor-1", JSON.stringify(floorTwin()));
    await client.upsertRelationship("room-a", "kept", adjacent("room-b", 1));
    return {
      missingTarget: await failure(client.upsertRelationship("room-a", "x1", adjacent("ghost", 1))),
      missingSource: await failure(client.upsertRelationship("ghost", "x2", adjacent("room-a", 1))),
      unknownName: await failure(client.upsertRelationship("room-a", "x3", { $targetId: "room-b", $relationshipName: "owns" })),
      wrongTargetModel: await failure(client.upsertRelationship("room-a", "x4", adjacent("floor-1", 1))),
      untargetedAcceptsAnyModel: meta(await client.upsertRelationship("room-a", "x5", { $targetId: "floor-1", $relationshipName: "near" })),
      self: await failure(client.upsertRelationship("room-a", "x6", adjacent("room-a", 1))),
      badProperty: await failure(client.upsertRelationship("room-a", "x7", adjacent("room-b", "two"))),
      unknownProperty: await failure(client.upsertRelationship("room-a", "x8", { ...adjacent("room-b", 1), color: "red" })),
      badPatch: await failure(client.updateRelationship("room-a", "kept", [{ op: "replace", path: "/$targetId", value: "floor-1" }])),
      deleteSource: await failure(client.deleteDigitalTwin("room-a")),
      deleteTarget: await failure(client.deleteDigitalTwin("room-b")),
    };
  },
});
