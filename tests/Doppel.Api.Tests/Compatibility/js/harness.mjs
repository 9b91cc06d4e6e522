// Shared by the compatibility scripts: the official DigitalTwinsClient pointed at a Doppel instance, a log of what
// went over the wire, and the runner that prints one scenario's observations as JSON for the C# tests to assert.
//
// Environment: DOPPEL_ENDPOINT (https://localhost:PORT/instances/NAME), DOPPEL_TOKEN (a bearer JWT the server
// trusts), NODE_EXTRA_CA_CERTS (the server's CA). Usage: node <area>.mjs <scenario>
import { DefaultHttpClient } from "@azure/core-http";
import { DigitalTwinsClient } from "@azure/digital-twins-core";

export const endpoint = process.env.DOPPEL_ENDPOINT;
const token = process.env.DOPPEL_TOKEN;
if (!endpoint || !token) {
  console.error("DOPPEL_ENDPOINT and DOPPEL_TOKEN must be set (see SdkScripts.cs)");
  process.exit(2);
}

// Request and response headers worth asserting on; the rest (authorization above all) stays out of the output.
const requestHeaders = ["content-type", "if-match", "if-none-match", "max-items-per-page", "message-id", "telemetry-source-time"];
const responseHeaders = ["content-type", "etag", "x-ms-error-code", "content-length"];

function pick(headers, names) {
  const picked = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** Every HTTP exchange of the run, in order (retries included: the pipeline's retry policy sits above the client). */
export const wire = {
  entries: [],
  mark() {
    return this.entries.length;
  },
  since(mark) {
    return this.entries.slice(mark);
  },
};

/** The SDK's own HTTP client, wrapped to note each exchange; the SDK and its pipeline are untouched. */
class RecordingHttpClient {
  #inner = new DefaultHttpClient();

  async sendRequest(request) {
    const entry = {
      method: request.method,
      url: request.url,
      headers: pick(request.headers, requestHeaders),
      body: typeof request.body === "string" ? request.body.slice(0, 2000) : null,
    };
    wire.entries.push(entry);
    const response = await this.#inner.sendRequest(request);
    entry.status = response.status;
    entry.responseHeaders = pick(response.headers, responseHeaders);
    return response;
  }
}

/** A client of the instance, as an application would create one; `bearer` replaces the token the server trusts. */
export function makeClient(options = {}, bearer = token, url = endpoint) {
  const credential = { getToken: async () => ({ token: bearer, expiresOnTimestamp: Date.now() + 3600 * 1000 }) };
  return new DigitalTwinsClient(url, credential, { httpClient: new RecordingHttpClient(), ...options });
}

export const client = makeClient();

/** Status, ETag (the SDK copies the header onto the result) and content type of a successful call. */
export function meta(result) {
  const response = result._response;
  return {
    status: response.status,
    etag: result.etag ?? null,
    contentType: response.headers.get("content-type") ?? null,
  };
}

/** What a caller sees of a failure: the SDK's RestError with its status and ADT code, and the error details. */
export function describe(error) {
  const body = error.response?.parsedBody ?? parse(error.response?.bodyAsText);
  return {
    failed: true,
    name: error.name ?? null,
    statusCode: error.statusCode ?? null,
    code: error.code ?? null,
    message: error.message ?? null,
    details: (body?.error?.details ?? []).map((d) => ({ code: d.code ?? null, message: d.message ?? null })),
  };
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** Runs a call that is expected to fail and returns the failure; a success is reported as such, not thrown. */
export async function failure(call) {
  try {
    const result = await (typeof call === "function" ? call() : call);
    return { failed: false, status: result?._response?.status ?? null };
  } catch (error) {
    return describe(error);
  }
}

/** Drains an SDK async iterator. */
export async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Runs `tasks` (functions returning promises) with at most `width` in flight. */
export async function inParallel(tasks, width = 16) {
  const results = new Array(tasks.length);
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

/**
 * Runs the scenario named on the command line and prints `{"result": ...}` as the last line of stdout.
 * A scenario that throws exits 1 with the error (and the last exchanges) on stderr.
 */
export async function run(scenarios) {
  const name = process.argv[2];
  const scenario = scenarios[name];
  if (!scenario) {
    console.error(`unknown scenario '${name}'; this script has: ${Object.keys(scenarios).join(", ")}`);
    process.exit(2);
  }

  try {
    const result = await scenario();
    process.stdout.write(JSON.stringify({ result }) + "\n");
  } catch (error) {
    const seen = error?.statusCode !== undefined ? JSON.stringify(describe(error)) : String(error?.stack ?? error);
    console.error(`scenario '${name}' failed: ${seen}`);
    console.error(`last exchanges: ${JSON.stringify(wire.entries.slice(-5), null, 1)}`);
    process.exitCode = 1;
  }
}
