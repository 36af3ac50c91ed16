// Shared by the client scripts: configuration from the environment, checks and plain HTTP.
//
// The scripts read EMULATOR_URL (e.g. http://127.0.0.1:4010), TWILIO_ACCOUNT_SID and
// TWILIO_AUTH_TOKEN. Any failed check throws; `main` turns that into a message and exit code 1.

import assert from 'node:assert/strict';

export function config() {
  const missing = ['EMULATOR_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'].filter(
    (name) => !process.env[name],
  );
  if (missing.length > 0) {
    throw new Error(`set ${missing.join(', ')} (the emulator's base URL and credentials)`);
  }
  return {
    base: process.env.EMULATOR_URL.replace(/\/+$/, ''),
    accountSid: process.env.TWILIO_ACCOUNT_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN,
  };
}

/** Points a Twilio URL at the emulator: both Serverless hosts become its base URL. */
export function toEmulator(url, base) {
  return url.replace(/^https:\/\/serverless(-upload)?\.twilio\.com(?=\/|$)/, base);
}

let step = '(setup)';

/** Names the step the next checks belong to, for the failure message. */
export function section(name) {
  step = name;
  console.log(`- ${name}`);
}

export { assert };

/** Asserts that `promise` rejects with a Twilio API error of this HTTP status and code. */
export async function rejectsWith(promise, status, code) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected a ${status}/${code} error, the call succeeded`);
  assert.equal(error.status ?? error.statusCode ?? error.response?.statusCode, status, String(error));
  if (code !== undefined) {
    assert.equal(error.code ?? error.response?.body?.code, code, String(error));
  }
  return error;
}

/** Plain HTTP to the emulator with Basic auth; returns { status, body } (body parsed as JSON). */
export async function http(cfg, method, path, { form, json, multipart } = {}) {
  const headers = {
    Authorization: 'Basic ' + Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString('base64'),
  };
  let body;
  if (form) {
    body = new URLSearchParams(form);
  } else if (json) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (multipart) {
    body = multipart;
  }
  const response = await fetch(`${cfg.base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed };
}

/** GET that must answer 200; returns the parsed body. */
export async function getJson(cfg, path) {
  const { status, body } = await http(cfg, 'GET', path);
  assert.equal(status, 200, `GET ${path}: ${JSON.stringify(body)}`);
  return body;
}

/** Polls until `check` returns a truthy value (or the deadline passes). */
export async function eventually(what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the script body; any failure is printed with its step and exits 1. */
export async function main(name, body) {
  try {
    await body();
    console.log(`${name}: all checks passed`);
  } catch (error) {
    console.error(`${name}: FAILED in step "${step}"`);
    console.error(error?.stack ?? String(error));
    if (error?.response?.body) {
      console.error('response body:', JSON.stringify(error.response.body));
    }
    if (error?.moreInfo || error?.details) {
      console.error('details:', error.moreInfo, JSON.stringify(error.details));
    }
    process.exit(1);
  }
}
