// Telemetry through the official SDK, for a twin and for a component. SDK 1.1.0 sends component telemetry with
// payload and message id swapped (the Message-Id header carries the payload, the body is the message id as a JSON
// string); the server must accept that. Driven by SdkTelemetryTests.cs.
import { client, failure, meta, run, wire } from "./harness.mjs";
import { setup } from "./dtdl.mjs";

const posts = (mark) => wire.since(mark).filter((e) => e.method === "POST")
  .map((e) => ({ url: e.url, headers: e.headers, body: e.body, status: e.status }));

await run({
  twin: async () => {
    await setup("room-1");
    const mark = wire.mark();
    const object = await client.publishTelemetry("room-1", { temperature: 21.3 }, "msg-1");
    const text = await client.publishTelemetry("room-1", JSON.stringify({ temperature: 21.4 }), "msg-2");
    const generatedId = await client.publishTelemetry("room-1", { temperature: 21.5 });
    const requests = posts(mark);
    const missingTwin = await failure(client.publishTelemetry("ghost", { temperature: 1 }, "msg-4"));
    return { object: meta(object), text: meta(text), generatedId: meta(generatedId), requests, missingTwin };
  },

  component: async () => {
    await setup("room-1");
    const mark = wire.mark();
    const swapped = await client.publishComponentTelemetry("room-1", "thermostat", JSON.stringify({ temperature: 20.5 }), "msg-1");
    const generatedId = await client.publishComponentTelemetry("room-1", "thermostat", JSON.stringify({ temperature: 20.6 }));
    const requests = posts(mark);
    const before = wire.mark();
    const objectPayload = await failure(client.publishComponentTelemetry("room-1", "thermostat", { temperature: 1 }, "msg-3"));
    const objectPayloadRequests = wire.since(before).length;
    const missingComponent = await failure(client.publishComponentTelemetry("room-1", "nothere", JSON.stringify({ temperature: 1 }), "msg-4"));
    const missingTwin = await failure(client.publishComponentTelemetry("ghost", "thermostat", JSON.stringify({ temperature: 1 }), "msg-5"));
    return { swapped: meta(swapped), generatedId: meta(generatedId), requests, objectPayload, objectPayloadRequests, missingComponent, missingTwin };
  },
});
