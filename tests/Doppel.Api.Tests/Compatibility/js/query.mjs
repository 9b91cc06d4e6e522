// Queries through the SDK: queryTwins over every item, page by page with a page size (resultsPerPage), the
// query-charge header surfaced as queryCharge, row shapes of projections and joins, and SqlQueryError.
// Driven by SdkQueryTests.cs.
import { client, collect, describe, inParallel, run, wire } from "./harness.mjs";
import { floorTwin, ids, roomTwin, setup } from "./dtdl.mjs";

await run({
  paging: async () => {
    await setup();
    const count = 120;
    const names = Array.from({ length: count }, (_, i) => `room-${String(i).padStart(3, "0")}`);
    await inParallel(names.map((id, i) => () => client.upsertDigitalTwin(id, JSON.stringify(roomTwin({ area: i })))));
    await client.upsertDigitalTwin("floor", JSON.stringify(floorTwin({ level: 3 })));
    await client.upsertRelationship("floor", "c1", { $targetId: "room-001", $relationshipName: "contains" });

    const query = `SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, '${ids.room}')`;
    const all = (await collect(client.queryTwins(query))).map((t) => t.$dtId);

    let mark = wire.mark();
    const pages = [];
    for await (const page of client.queryTwins(query, 25).byPage()) {
      pages.push({ count: page.value.length, queryCharge: page.queryCharge ?? null, hasToken: Boolean(page.continuationToken) });
    }
    const pageRequests = wire.since(mark).map((e) => ({ status: e.status, maxItemsPerPage: e.headers["max-items-per-page"] ?? null, body: JSON.parse(e.body) }));

    const projected = await collect(client.queryTwins("SELECT T.$dtId, T.area AS size FROM DIGITALTWINS T WHERE T.area < 2"));
    const joined = await collect(client.queryTwins("SELECT F, R FROM DIGITALTWINS F JOIN R RELATED F.contains WHERE F.$dtId = 'floor'"));
    const counted = await collect(client.queryTwins(`SELECT COUNT() FROM DIGITALTWINS WHERE IS_OF_MODEL('${ids.space}')`));
    let error;
    try {
      await collect(client.queryTwins("SELECT * FROM DIGITIALTWINS"));
    } catch (e) {
      error = describe(e);
    }

    return {
      names,
      all,
      pages,
      pageRequests,
      projected,
      joined: joined.map((row) => ({ F: row.F?.$dtId ?? null, R: row.R?.$dtId ?? null })),
      counted,
      error,
    };
  },
});
