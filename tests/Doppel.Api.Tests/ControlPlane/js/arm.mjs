// Drives Doppel's control plane with the official @azure/arm-digitaltwins SDK through its long-running-operation
// helpers (create, get, list, update, delete), grants roles on the created instance over plain HTTPS, and then uses
// the instance with the official @azure/digital-twins-core SDK as a Data Owner, a Data Reader and a principal
// without a role. Prints one JSON line {"result": {...}} with what it observed; ArmSdkCompatibilityTests asserts on it.
//
// Environment: DOPPEL_ORIGIN, DOPPEL_SUBSCRIPTION, DOPPEL_RESOURCE_GROUP, DOPPEL_INSTANCE, DOPPEL_ARM_TOKEN,
// DOPPEL_OWNER_ID, DOPPEL_READER_ID, DOPPEL_OWNER_TOKEN, DOPPEL_READER_TOKEN, DOPPEL_NOROLE_TOKEN, NODE_EXTRA_CA_CERTS.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { AzureDigitalTwinsManagementClient } from '@azure/arm-digitaltwins';
import { DigitalTwinsClient } from '@azure/digital-twins-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const origin = env('DOPPEL_ORIGIN');
const subscription = env('DOPPEL_SUBSCRIPTION');
const group = env('DOPPEL_RESOURCE_GROUP');
const name = env('DOPPEL_INSTANCE');
const credential = (token) => ({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) });
const statusOf = async (promise) => {
  try {
    await promise;
    return 200;
  } catch (error) {
    return { status: error.statusCode, code: error.code };
  }
};

function put(path, body, token) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(new URL(path, origin), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const arm = new AzureDigitalTwinsManagementClient(credential(env('DOPPEL_ARM_TOKEN')), subscription, { endpoint: origin });
const poll = { updateIntervalInMs: 100 };
const result = {};

result.before = await arm.digitalTwins.checkNameAvailability('local', { name, type: 'Microsoft.DigitalTwins/digitalTwinsInstances' });
const created = await arm.digitalTwins.beginCreateOrUpdateAndWait(group, name, { location: 'local', tags: { purpose: 'acceptance' } }, poll);
result.created = { name: created.name, provisioningState: created.provisioningState, hostName: created.hostName, tags: created.tags };
result.after = await arm.digitalTwins.checkNameAvailability('local', { name, type: 'Microsoft.DigitalTwins/digitalTwinsInstances' });
const got = await arm.digitalTwins.get(group, name);
result.got = { id: got.id, location: got.location, provisioningState: got.provisioningState };
result.listedInGroup = [];
for await (const instance of arm.digitalTwins.listByResourceGroup(group)) result.listedInGroup.push(instance.name);
result.listedInSubscription = [];
for await (const instance of arm.digitalTwins.list()) result.listedInSubscription.push(instance.name);
const updated = await arm.digitalTwins.beginUpdateAndWait(group, name, { tags: { purpose: 'updated' } }, poll);
result.updatedTags = updated.tags;

// Endpoints through the SDK's own helpers: create (a long-running operation answered at once), get, list, delete.
const hub = 'Endpoint=sb://hub.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0;EntityPath=twins';
const endpointCreated = await arm.digitalTwinsEndpoint.beginCreateOrUpdateAndWait(group, name, 'hub-1',
  { properties: { endpointType: 'EventHub', connectionStringPrimaryKey: hub } }, poll);
result.endpointCreated = { name: endpointCreated.name, provisioningState: endpointCreated.properties.provisioningState };
const endpointGot = await arm.digitalTwinsEndpoint.get(group, name, 'hub-1');
result.endpointGot = { endpointType: endpointGot.properties.endpointType, secret: endpointGot.properties.connectionStringPrimaryKey };
result.endpointsListed = [];
for await (const listed of arm.digitalTwinsEndpoint.list(group, name)) result.endpointsListed.push(listed.name);
await arm.digitalTwinsEndpoint.beginDeleteAndWait(group, name, 'hub-1', poll);
result.endpointAfterDelete = await statusOf(arm.digitalTwinsEndpoint.get(group, name, 'hub-1'));

const scope = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.DigitalTwins/digitalTwinsInstances/${name}`;
const grant = (role, principal) => put(
  `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
  { properties: { roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: principal } },
  env('DOPPEL_ARM_TOKEN'));
result.grants = [
  await grant('bcd981a7-7f74-457b-83e1-cceb9e632ffe', env('DOPPEL_OWNER_ID')),
  await grant('d57506d4-4c8d-48b1-8587-93c323f6a5a3', env('DOPPEL_READER_ID')),
];

const endpoint = `${origin}/instances/${name}`;
const model = {
  '@id': 'dtmi:doppel:arm:Room;1', '@type': 'Interface', '@context': 'dtmi:dtdl:context;3',
  contents: [{ '@type': 'Property', name: 'temperature', schema: 'double' }],
};
const owner = new DigitalTwinsClient(endpoint, credential(env('DOPPEL_OWNER_TOKEN')));
const reader = new DigitalTwinsClient(endpoint, credential(env('DOPPEL_READER_TOKEN')));
const nobody = new DigitalTwinsClient(endpoint, credential(env('DOPPEL_NOROLE_TOKEN')));
result.ownerCreatesModel = await statusOf(owner.createModels([model]));
result.ownerCreatesTwin = await statusOf(owner.upsertDigitalTwin('room1', JSON.stringify({ $metadata: { $model: 'dtmi:doppel:arm:Room;1' }, temperature: 21 })));
result.readerGetsTwin = await statusOf(reader.getDigitalTwin('room1'));
result.readerUpdatesTwin = await statusOf(reader.updateDigitalTwin('room1', [{ op: 'replace', path: '/temperature', value: 22 }]));
result.norolesGetsTwin = await statusOf(nobody.getDigitalTwin('room1'));

await arm.digitalTwins.beginDeleteAndWait(group, name, poll);
result.afterDelete = await statusOf(arm.digitalTwins.get(group, name));
result.dataPlaneAfterDelete = await statusOf(owner.getDigitalTwin('room1'));

console.log(JSON.stringify({ result }));
