// The serverless toolkit's API library (@twilio-labs/serverless-api, the engine of
// `twilio serverless:deploy`) against the emulator, unchanged.
//
// The library builds every URL from `https://serverless.twilio.com/v1` (or `serverless-upload`
// for version uploads) and offers only region and edge to change it, so this script points it at
// the emulator through its `got` instance: a `beforeRequest` hook moves each request to the
// emulator's origin. Everything else runs as in `twilio serverless:deploy`.

import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import { assert, config, getJson, main, section } from './lib.mjs';

const cfg = config();
const fixture = fileURLToPath(new URL('./fixture/', import.meta.url));
const pkgJson = JSON.parse(readFileSync(new URL('./fixture/package.json', import.meta.url), 'utf8'));

function emulatorClient() {
  const client = new TwilioServerlessApiClient({ username: cfg.accountSid, password: cfg.authToken });
  const target = new URL(cfg.base);
  const seen = { requests: 0, hosts: new Set() };
  const moveToEmulator = (options) => {
    const url = options.url;
    seen.requests += 1;
    seen.hosts.add(url.host);
    if (/^serverless(-upload)?\.twilio\.com$/.test(url.host)) {
      // Mutated in place: got keeps the credentials on this URL object.
      url.protocol = target.protocol;
      url.host = target.host;
    }
  };
  // `getClient()` is the library's own accessor for its got instance; the hooked copy replaces it.
  client.client = client.getClient().extend({ hooks: { beforeRequest: [moveToEmulator] } });
  return { client, seen };
}

/** A plain HTTP GET, with `*.localhost` resolved to loopback as browsers do. */
function plainGet(url) {
  const lookup = (hostname, options, callback) =>
    options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
  return new Promise((resolve, reject) => {
    httpGet(url, { lookup }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, text }));
    }).on('error', reject);
  });
}

/** Every page of a list, following next_page_url. */
async function listAll(path, key) {
  const items = [];
  let next = path;
  while (next) {
    const page = await getJson(cfg, next);
    items.push(...page[key]);
    next = page.meta.next_page_url && page.meta.next_page_url.slice(cfg.base.length);
  }
  return items;
}

await main('toolkit-deploy', async () => {
  const { client, seen } = emulatorClient();
  const statuses = [];
  client.on('status-update', ({ status }) => statuses.push(status));

  section('deployLocalProject: new service, environment "dev"');
  const deploy = {
    cwd: fixture,
    envPath: '.env',
    serviceName: 'toolkit-demo',
    functionsEnv: 'dev',
    env: { GREETING: 'Hello', API_KEY: 'k-1' },
    pkgJson,
    runtime: 'node20',
    overrideExistingService: true,
  };
  const result = await client.deployLocalProject(deploy);
  assert.match(result.serviceSid, /^ZS[0-9a-f]{32}$/);
  assert.match(result.environmentSid, /^ZE[0-9a-f]{32}$/);
  assert.match(result.buildSid, /^ZB[0-9a-f]{32}$/);
  assert.equal(result.serviceName, 'toolkit-demo');
  assert.equal(result.runtime, 'node20');
  assert.match(result.domain, /^toolkit-demo-\d{4}-dev\.twil\.io$/);
  assert.deepEqual(result.functionResources.map((f) => f.path).sort(), ['/admin/report', '/hello']);
  assert.deepEqual(result.assetResources.map((a) => a.path).sort(), ['/settings.json', '/style.css']);
  assert.ok(statuses.includes('uploading-functions') || statuses.length > 5, `statuses: ${statuses}`);
  assert.ok(seen.requests > 10 && [...seen.hosts].every((h) => /^serverless(-upload)?\.twilio\.com$/.test(h)));

  section('deployment through plain HTTP');
  const svcPath = `/v1/Services/${result.serviceSid}`;
  const service = await getJson(cfg, svcPath);
  assert.equal(service.unique_name, 'toolkit-demo');
  const env = await getJson(cfg, `${svcPath}/Environments/${result.environmentSid}`);
  assert.equal(env.unique_name, 'dev-environment');
  assert.equal(env.domain_suffix, 'dev');
  assert.equal(env.build_sid, result.buildSid);
  const build = await getJson(cfg, `${svcPath}/Builds/${result.buildSid}`);
  assert.equal(build.status, 'completed');
  assert.equal(build.runtime, 'node20');
  const visibility = (versions) =>
    Object.fromEntries(versions.map((v) => [v.path, v.visibility.toLowerCase()]));
  assert.deepEqual(visibility(build.function_versions), { '/hello': 'public', '/admin/report': 'protected' });
  assert.deepEqual(visibility(build.asset_versions), { '/style.css': 'public', '/settings.json': 'private' });
  assert.deepEqual(
    build.dependencies.map((d) => `${d.name}@${d.version}`).sort(),
    ['lodash@^4.17.21', 'twilio@~5.3'],
  );
  const variables = await getJson(cfg, `${svcPath}/Environments/${result.environmentSid}/Variables`);
  assert.deepEqual(
    Object.fromEntries(variables.variables.map((v) => [v.key, v.value])),
    { GREETING: 'Hello', API_KEY: 'k-1' },
  );
  const deployments = await getJson(cfg, `${svcPath}/Environments/${result.environmentSid}/Deployments`);
  assert.deepEqual(deployments.deployments.map((d) => d.build_sid), [result.buildSid]);
  for (const fn of result.functionResources) {
    const versions = await getJson(cfg, `${svcPath}/Functions/${fn.sid}/Versions`);
    assert.equal(versions.function_versions.length, 1);
    const content = await getJson(cfg, `${svcPath}/Functions/${fn.sid}/Versions/${versions.function_versions[0].sid}/Content`);
    const file = fn.path === '/hello' ? 'functions/hello.js' : 'functions/admin/report.protected.js';
    assert.equal(content.content, readFileSync(new URL(`./fixture/${file}`, import.meta.url), 'utf8'));
  }

  section('the live URL runs what was deployed');
  // http://<domain_name without .twil.io>.localhost:<port>/hello: browsers and curl resolve
  // *.localhost to loopback; Node's resolver may not, so the lookup says so.
  const dev = await getJson(cfg, `${svcPath}/Environments/${result.environmentSid}`);
  const live = new URL(`http://${dev.domain_name.replace(/\.twil\.io$/, '')}.localhost:${new URL(cfg.base).port}/hello?name=toolkit`);
  const answer = await plainGet(live);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.text, 'Hello, toolkit');

  section('redeploy: existing service, functions and assets are reused');
  const again = await client.deployLocalProject({ ...deploy, env: { GREETING: 'Hi', EXTRA: 'x' } });
  assert.equal(again.serviceSid, result.serviceSid);
  assert.equal(again.environmentSid, result.environmentSid);
  assert.notEqual(again.buildSid, result.buildSid);
  assert.equal((await listAll(`${svcPath}/Functions?PageSize=1`, 'functions')).length, 2);
  assert.equal((await listAll(`${svcPath}/Assets?PageSize=1`, 'assets')).length, 2);
  const env2 = await getJson(cfg, `${svcPath}/Environments/${result.environmentSid}`);
  assert.equal(env2.build_sid, again.buildSid);
  const vars2 = await client.getEnvironmentVariables({
    serviceSid: result.serviceSid,
    environment: 'dev',
    keys: [],
    getValues: true,
  });
  assert.deepEqual(
    Object.fromEntries(vars2.variables.map((v) => [v.key, v.value])),
    { GREETING: 'Hi', API_KEY: 'k-1', EXTRA: 'x' },
  );

  section('a build with an uninstallable dependency fails the deploy');
  await assert.rejects(
    client.deployProject({
      ...deploy,
      serviceSid: result.serviceSid,
      functionsEnv: 'broken',
      pkgJson: { dependencies: { lodash: 'not-a-version' } },
      functions: [{ name: 'hello', path: '/hello', access: 'public', content: Buffer.from('exports.handler = () => {};') }],
      assets: [],
    }),
    // The library rejects with the build's status itself.
    (error) => String(error?.message ?? error) === 'failed',
  );

  section('activateBuild: promote dev to a new "stage" environment');
  const promoted = await client.activateBuild({
    serviceSid: result.serviceSid,
    sourceEnvironment: 'dev',
    targetEnvironment: 'stage',
    createEnvironment: true,
    env: { PROMOTED: 'yes' },
  });
  assert.equal(promoted.buildSid, again.buildSid);
  const stage = await getJson(cfg, `${svcPath}/Environments/${promoted.environmentSid}`);
  assert.equal(stage.build_sid, again.buildSid);
  assert.equal(stage.domain_suffix, 'stage');
  const stageVars = await getJson(cfg, `${svcPath}/Environments/${promoted.environmentSid}/Variables`);
  assert.deepEqual(stageVars.variables.map((v) => [v.key, v.value]), [['PROMOTED', 'yes']]);

  section('list');
  const listed = await client.list({
    types: ['environments', 'builds', 'variables', 'functions', 'assets'],
    serviceSid: result.serviceSid,
    environment: 'dev',
  });
  assert.deepEqual(listed.environments.map((e) => e.domain_suffix), ['dev', 'broken', 'stage']);
  assert.equal(listed.builds.length, 3);
  assert.deepEqual(listed.functions.entries.map((f) => f.path).sort(), ['/admin/report', '/hello']);
  assert.deepEqual(listed.assets.entries.map((a) => a.path).sort(), ['/settings.json', '/style.css']);
  assert.deepEqual(listed.variables.entries.map((v) => v.key).sort(), ['API_KEY', 'EXTRA', 'GREETING']);
  const services = await client.list({ types: 'services' });
  assert.ok(services.services.some((s) => s.sid === result.serviceSid));

  section('getLogs and getLogsStream');
  const logs = await client.getLogs({ serviceSid: result.serviceSid, environment: 'dev' });
  assert.ok(logs.some((l) => l.message === 'hello called'), JSON.stringify(logs.map((l) => l.message)));
  assert.ok(logs.some((l) => l.message.includes(again.buildSid)), 'deployment log entries');
  const fnLogs = await client.getLogs({ serviceSid: result.serviceSid, environment: 'dev', filterByFunction: '/hello' });
  assert.deepEqual(
    fnLogs.map((l) => l.message.replace(/\d+ ms$/, 'N ms')),
    ['Execution ended in N ms', 'hello called', 'Execution started'],
  );
  const stream = await client.getLogsStream({ serviceSid: result.serviceSid, environment: result.environmentSid, tail: false, limit: 3 });
  const streamed = [];
  // Read with events: the stream's `_destroy` never calls back, so `for await` would never end.
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the logs stream did not end')), 5000);
    stream.on('data', (entry) => streamed.push(entry.sid));
    stream.on('error', reject);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  assert.deepEqual(streamed, logs.slice(0, 3).map((l) => l.sid).reverse());

  section('removeEnvironmentVariables');
  await client.removeEnvironmentVariables({ serviceSid: result.serviceSid, environment: 'dev', keys: ['EXTRA'] });
  const vars3 = await listAll(`${svcPath}/Environments/${result.environmentSid}/Variables`, 'variables');
  assert.deepEqual(vars3.map((v) => v.key).sort(), ['API_KEY', 'GREETING']);

  section('a second deploy under the name of an existing service is refused without override');
  const other = emulatorClient().client;
  await assert.rejects(
    other.deployLocalProject({ ...deploy, overrideExistingService: false }),
    (error) => error.name === 'conflicting-servicename' || /already exists/.test(String(error?.message)),
  );
});
