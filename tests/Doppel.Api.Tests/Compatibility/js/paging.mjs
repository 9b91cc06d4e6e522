// Paging with many items through the SDK's async iterators: for-await over every item, byPage() with and without
// maxPageSize, and resuming from a nextLink (the page's continuationToken). Models page at 100 and relationship
// lists at 1000 when the client does not ask for fewer (the SDK cannot ask for fewer relationships).
// Driven by SdkPagingTests.cs.
import { client, collect, inParallel, meta, run, wire } from "./harness.mjs";
import { roomTwin, setup } from "./dtdl.mjs";

const requests = (mark) => wire.since(mark).map((e) => ({ url: e.url, maxItemsPerPage: e.headers["max-items-per-page"] ?? null, status: e.status }));

await run({
  models: async () => {
    const count = 120;
    const many = Array.from({ length: count }, (_, i) => ({
      "@id": `dtmi:compat:paging:M${String(i).padStart(3, "0")};1`, "@type": "Interface", "@context": "dtmi:dtdl:context;3",
      displayName: `Model ${i}`,
    }));
    const created = await client.createModels(many);
    let mark = wire.mark();
    const all = (await collect(client.listModels())).map((m) => m.id);
    const allRequests = requests(mark);
    mark = wire.mark();
    const defaultPages = [];
    for await (const page of client.listModels().byPage()) defaultPages.push(page.value.length);
    mark = wire.mark();
    const smallPages = [];
    for await (const page of client.listModels(undefined, true).byPage({ maxPageSize: 25 })) {
      smallPages.push({ count: page.value.length, withDefinitions: page.value.every((m) => m.model?.["@id"] === m.id), hasNextLink: Boolean(page.nextLink) });
    }
    const smallRequests = requests(mark);
    // A caller that keeps the continuation token (the page's nextLink) and resumes later, in a new iterator.
    const first = (await client.listModels().byPage({ maxPageSize: 50 }).next()).value;
    mark = wire.mark();
    const resumed = [];
    for await (const page of client.listModels().byPage({ continuationToken: first.nextLink })) resumed.push(...page.value.map((m) => m.id));
    const resumedRequests = requests(mark);
    return {
      created: { ...meta(created), count: created.length },
      uploaded: many.map((m) => m["@id"]),
      all,
      allRequests,
      defaultPages,
      smallPages,
      smallRequests,
      firstPage: first.value.map((m) => m.id),
      resumed,
      resumedRequests,
    };
  },

  relationships: async () => {
    // Ids that need percent-encoding: the nextLink must bring the SDK back to the same twin.
    const source = "source/ü 100%";
    const target = "target?#%2F";
    await setup(source, target);
    const near = 1001;
    const tasks = Array.from({ length: near }, (_, i) =>
      () => client.upsertRelationship(source, `near-${String(i).padStart(4, "0")}`, { $targetId: target, $relationshipName: "near" }));
    tasks.push(() => client.upsertRelationship(source, "adjacent-1", { $targetId: target, $relationshipName: "adjacentTo", doorCount: 1 }));
    tasks.push(() => client.upsertRelationship(source, "adjacent-2", { $targetId: target, $relationshipName: "adjacentTo", doorCount: 2 }));
    const statuses = (await inParallel(tasks)).map((r) => meta(r).status);

    let mark = wire.mark();
    const outgoing = (await collect(client.listRelationships(source))).map((r) => r.$relationshipId);
    const outgoingRequests = requests(mark);
    const outgoingPages = [];
    for await (const page of client.listRelationships(source).byPage()) outgoingPages.push(page.value.length);
    mark = wire.mark();
    const named = await collect(client.listRelationships(source, { relationshipName: "near" }));
    const namedRequests = requests(mark);
    mark = wire.mark();
    const incoming = await collect(client.listIncomingRelationships(target));
    const incomingRequests = requests(mark);
    const incomingPages = [];
    for await (const page of client.listIncomingRelationships(target).byPage()) incomingPages.push(page.value.length);
    return {
      source,
      target,
      statuses: [...new Set(statuses)],
      written: statuses.length,
      outgoing,
      outgoingRequests,
      outgoingPages,
      namedCount: named.length,
      namedNames: [...new Set(named.map((r) => r.$relationshipName))],
      namedSources: [...new Set(named.map((r) => r.$sourceId))],
      namedRequests,
      incomingIds: incoming.map((r) => r.relationshipId),
      incomingSources: [...new Set(incoming.map((r) => r.sourceId))],
      incomingRequests,
      incomingPages,
    };
  },
});
