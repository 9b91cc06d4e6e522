// Gets tokens from a Doppel server with the official @azure/identity (unmodified) and uses them with the official
// @azure/digital-twins-core. Every credential is given the server as authority host and disableInstanceDiscovery,
// which every non-Microsoft authority needs.
//
// Environment: DOPPEL_AUTHORITY (https://localhost:PORT), DOPPEL_TENANT, DOPPEL_CLIENT_ID, DOPPEL_CLIENT_SECRET,
// DOPPEL_USER, DOPPEL_PASSWORD, DOPPEL_ENDPOINT (https://localhost:PORT/instances/NAME), NODE_EXTRA_CA_CERTS.
// Usage: node identity.mjs <client-secret|default-env|device-code|interactive>. Prints {"result": ...} as its last line.
import { ClientSecretCredential, DefaultAzureCredential, DeviceCodeCredential, InteractiveBrowserCredential } from "@azure/identity";
import { DigitalTwinsClient } from "@azure/digital-twins-core";

const env = process.env;
const scope = "https://digitaltwins.azure.net/.default";

/** Signs the user in on Doppel's device-code page, as a person in a browser would (cookie, CSRF field, form). */
async function signInOnPage(verificationUri, userCode) {
  const page = await fetch(verificationUri);
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const html = await page.text();
  const csrf = /name="__csrf" value="([^"]*)"/.exec(html)[1].replaceAll("&#x2B;", "+").replaceAll("&#x2F;", "/").replaceAll("&#x3D;", "=");
  const response = await fetch(verificationUri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ __csrf: csrf, user_code: userCode, username: env.DOPPEL_USER, password: env.DOPPEL_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`the sign-in page answered ${response.status}: ${await response.text()}`);
}

function credentialFor(scenario) {
  const common = { authorityHost: env.DOPPEL_AUTHORITY, disableInstanceDiscovery: true };
  switch (scenario) {
    case "client-secret":
      return new ClientSecretCredential(env.DOPPEL_TENANT, env.DOPPEL_CLIENT_ID, env.DOPPEL_CLIENT_SECRET, common);
    case "default-env":
      // Only AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST are set (by the test).
      return new DefaultAzureCredential({ disableInstanceDiscovery: true });
    case "device-code":
      return new DeviceCodeCredential({
        ...common,
        tenantId: env.DOPPEL_TENANT,
        clientId: env.DOPPEL_CLIENT_ID,
        userPromptCallback: (info) => signInOnPage(info.verificationUri, info.userCode),
      });
    case "interactive":
      // The credential opens $BROWSER (scripted-browser.mjs, set by the test) on the authorization URL.
      return new InteractiveBrowserCredential({ ...common, tenantId: env.DOPPEL_TENANT, clientId: env.DOPPEL_CLIENT_ID, redirectUri: "http://localhost" });
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

const scenario = process.argv[2];
const credential = credentialFor(scenario);
const token = await credential.getToken(scope);
const client = new DigitalTwinsClient(env.DOPPEL_ENDPOINT, credential);
let models = 0;
for await (const model of client.listModels()) {
  models += model ? 1 : 0;
}

const created = await client.upsertDigitalTwin("probe-" + scenario, JSON.stringify({ $metadata: { $model: "dtmi:identity:Probe;1" } })).catch((e) => e.code);
console.log(JSON.stringify({ result: { scenario, expiresInMinutes: Math.round((token.expiresOnTimestamp - Date.now()) / 60000), models, created } }));
