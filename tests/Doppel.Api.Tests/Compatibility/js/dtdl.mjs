// The models the compatibility scripts upload, and twins of them. Thermostat is DTDL v2 used as a component of a
// DTDL v3 Room (ADT allows v3 to compose v2), so both language versions go through the SDK.
import { client } from "./harness.mjs";

export const ids = {
  space: "dtmi:compat:Space;1",
  thermostat: "dtmi:compat:Thermostat;1",
  room: "dtmi:compat:Room;1",
  floor: "dtmi:compat:Floor;1",
};

export const space = {
  "@id": ids.space, "@type": "Interface", "@context": "dtmi:dtdl:context;3", displayName: "Space",
  contents: [{ "@type": "Property", name: "name", schema: "string" }],
};

export const thermostat = {
  "@id": ids.thermostat, "@type": "Interface", "@context": "dtmi:dtdl:context;2",
  contents: [
    { "@type": "Property", name: "setpoint", schema: "double", writable: true },
    { "@type": "Property", name: "mode", schema: "string", writable: true },
    { "@type": "Telemetry", name: "temperature", schema: "double" },
  ],
};

export const room = {
  "@id": ids.room, "@type": "Interface", "@context": "dtmi:dtdl:context;3",
  displayName: { en: "Room", de: "Raum" }, description: "A room", extends: ids.space,
  contents: [
    { "@type": "Property", name: "area", schema: "double" },
    { "@type": "Property", name: "occupied", schema: "boolean" },
    { "@type": "Component", name: "thermostat", schema: ids.thermostat },
    {
      "@type": "Relationship", name: "adjacentTo", target: ids.room,
      properties: [{ "@type": "Property", name: "doorCount", schema: "integer" }],
    },
    { "@type": "Relationship", name: "near" },
  ],
};

export const floor = {
  "@id": ids.floor, "@type": "Interface", "@context": "dtmi:dtdl:context;3",
  contents: [
    { "@type": "Property", name: "level", schema: "integer" },
    { "@type": "Relationship", name: "contains", target: ids.room },
  ],
};

/** All four models in an order that uploads (dependencies first). */
export const catalog = () => [space, thermostat, room, floor];

export const roomTwin = (properties = {}) => ({
  $metadata: { $model: ids.room },
  thermostat: { $metadata: {} },
  ...properties,
});

export const floorTwin = (properties = {}) => ({ $metadata: { $model: ids.floor }, ...properties });

/** Uploads the catalog and creates the given room twins. */
export async function setup(...rooms) {
  await client.createModels(catalog());
  for (const id of rooms) await client.upsertDigitalTwin(id, JSON.stringify(roomTwin({ area: 10 })));
}

/** The fields of DigitalTwinsModelData a caller reads. */
export function modelData(m) {
  return {
    id: m.id,
    displayName: m.displayName ?? null,
    description: m.description ?? null,
    decommissioned: m.decommissioned ?? null,
    uploadTimeIsDate: m.uploadTime instanceof Date && !Number.isNaN(m.uploadTime.getTime()),
    hasModel: m.model !== undefined,
  };
}
