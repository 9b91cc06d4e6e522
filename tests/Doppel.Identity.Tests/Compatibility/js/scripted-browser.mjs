#!/usr/bin/env node
// Stands in for a person's browser when @azure/identity's InteractiveBrowserCredential opens one (through the `open`
// package and xdg-open, which run $BROWSER): loads Doppel's sign-in page, submits the user's credentials with the
// page's hidden fields (CSRF token included), and follows the redirect to the credential's loopback listener.
// Environment: DOPPEL_USER, DOPPEL_PASSWORD, NODE_EXTRA_CA_CERTS. Usage: scripted-browser.mjs <url>
const url = process.argv[2];
const decode = (text) => text
  .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
  .replace(/&#([0-9]+);/g, (_, dec) => String.fromCodePoint(parseInt(dec, 10)))
  .replaceAll("&quot;", "\"").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

const page = await fetch(url);
const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const html = await page.text();
const form = new URLSearchParams();
for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
  form.append(decode(match[1]), decode(match[2]));
}
form.set("username", process.env.DOPPEL_USER);
form.set("password", process.env.DOPPEL_PASSWORD);
const submitted = await fetch(url.split("?")[0], {
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", cookie },
  body: form,
});
const location = submitted.headers.get("location");
if (submitted.status !== 302 || !location) {
  console.error(`sign-in answered ${submitted.status}: ${await submitted.text()}`);
  process.exit(1);
}
await fetch(location);
