// twilio-node (npm `twilio`) against the emulator, unchanged: the only difference from talking to
// Twilio is the `httpClient` option, a RequestClient that sends what is addressed to
// https://serverless.twilio.com (and -upload) to the emulator instead.
//
// Function and asset versions are uploaded with plain multipart HTTP, as twilio-node has no call
// for the upload API; everything else goes through the client.

import twilio from 'twilio';
import { assert, config, eventually, http, main, rejectsWith, section, toEmulator } from './lib.mjs';

const cfg = config();

/** The supported extension point: a RequestClient passed as `httpClient`. */
class EmulatorRequestClient extends twilio.RequestClient {
  constructor(base) {
    super();
    this.base = base;
    this.requests = 0;
  }

  request(opts) {
    this.requests += 1;
    return super.request({ ...opts, uri: toEmulator(opts.uri, this.base) });
  }
}

async function upload(kind, serviceSid, parentSid, path, visibility, content, contentType) {
  const form = new FormData();
  form.append('Path', path);
  form.append('Visibility', visibility);
  form.append('Content', new Blob([content], { type: contentType }), path.split('/').pop());
  const { status, body } = await http(
    cfg,
    'POST',
    `/v1/Services/${serviceSid}/${kind}/${parentSid}/Versions`,
    { multipart: form },
  );
  assert.equal(status, 201, `upload ${path}: ${JSON.stringify(body)}`);
  return body;
}

await main('twilio-node', async () => {
  const httpClient = new EmulatorRequestClient(cfg.base);
  const client = twilio(cfg.accountSid, cfg.authToken, { httpClient });
  const serverless = client.serverless.v1;

  section('services: create, fetch, list, update, remove');
  const service = await serverless.services.create({
    uniqueName: 'twilio-node-app',
    friendlyName: 'twilio-node app',
    includeCredentials: true,
  });
  assert.match(service.sid, /^ZS[0-9a-f]{32}$/);
  assert.equal(service.accountSid, cfg.accountSid);
  assert.equal(service.uniqueName, 'twilio-node-app');
  assert.equal(service.friendlyName, 'twilio-node app');
  assert.equal(service.includeCredentials, true);
  assert.equal(service.uiEditable, false);
  assert.ok(service.dateCreated instanceof Date && !isNaN(service.dateCreated), 'dateCreated is a date');
  assert.equal(service.url, `${cfg.base}/v1/Services/${service.sid}`);
  assert.equal(service.links.environments, `${cfg.base}/v1/Services/${service.sid}/Environments`);

  const fetched = await serverless.services(service.sid).fetch();
  assert.equal(fetched.sid, service.sid);
  const byName = await serverless.services('twilio-node-app').fetch();
  assert.equal(byName.sid, service.sid);

  const updated = await serverless.services(service.sid).update({
    friendlyName: 'renamed',
    uiEditable: true,
    includeCredentials: false,
  });
  assert.equal(updated.friendlyName, 'renamed');
  assert.equal(updated.uiEditable, true);
  assert.equal(updated.includeCredentials, false);
  // An instance's own methods work too (on instances from a context: twilio 6.x leaves the SID out
  // of those a list's `create` returns).
  const refetched = await updated.fetch();
  assert.equal(refetched.friendlyName, 'renamed');

  const extra = [];
  for (const n of [1, 2, 3]) {
    extra.push(await serverless.services.create({ uniqueName: `extra-${n}`, friendlyName: `extra ${n}` }));
  }
  const allServices = await serverless.services.list();
  assert.deepEqual(
    allServices.map((s) => s.uniqueName),
    ['twilio-node-app', 'extra-1', 'extra-2', 'extra-3'],
  );
  const pagedServices = await serverless.services.list({ pageSize: 1 });
  assert.deepEqual(pagedServices.map((s) => s.sid), allServices.map((s) => s.sid));
  const limitedServices = await serverless.services.list({ limit: 2 });
  assert.deepEqual(limitedServices.map((s) => s.sid), allServices.slice(0, 2).map((s) => s.sid));

  assert.equal(await serverless.services(extra[0].sid).remove(), true);
  assert.equal(await (await serverless.services(extra[1].sid).fetch()).remove(), true);
  await rejectsWith(serverless.services(extra[0].sid).fetch(), 404, 20404);
  await rejectsWith(
    serverless.services.create({ uniqueName: 'twilio-node-app', friendlyName: 'dup' }),
    409,
    20409,
  );
  await rejectsWith(serverless.services.create({ uniqueName: 'bad name!', friendlyName: 'x' }), 400, 20001);
  const wrong = twilio(cfg.accountSid, 'wrong-token', { httpClient });
  await rejectsWith(wrong.serverless.v1.services.list(), 401, 20003);

  const svc = serverless.services(service.sid);

  section('environments: create, fetch, list, remove');
  const env = await svc.environments.create({ uniqueName: 'staging', domainSuffix: 'stage' });
  assert.match(env.sid, /^ZE[0-9a-f]{32}$/);
  assert.equal(env.serviceSid, service.sid);
  assert.equal(env.uniqueName, 'staging');
  assert.equal(env.domainSuffix, 'stage');
  assert.match(env.domainName, /^twilio-node-app-\d{4}-stage\.twil\.io$/);
  assert.equal(env.buildSid, null);
  const prod = await svc.environments.create({ uniqueName: 'production' });
  assert.equal(prod.domainSuffix, null);
  const envs = await svc.environments.list();
  assert.deepEqual(envs.map((e) => e.uniqueName), ['staging', 'production']);
  assert.equal((await svc.environments(env.sid).fetch()).domainName, env.domainName);
  // Only one environment can have the bare domain (docs/EMULATOR.md).
  await rejectsWith(svc.environments.create({ uniqueName: 'other' }), 409, 20409);
  const doomedEnv = await svc.environments.create({ uniqueName: 'doomed', domainSuffix: 'doomed' });
  assert.equal(await svc.environments(doomedEnv.sid).remove(), true);
  await rejectsWith(svc.environments(doomedEnv.sid).fetch(), 404, 20404);

  section('variables: create, fetch, list, update, remove');
  const vars = svc.environments(env.sid).variables;
  const apiKey = await vars.create({ key: 'API_KEY', value: 'secret' });
  assert.match(apiKey.sid, /^ZV[0-9a-f]{32}$/);
  assert.equal(apiKey.environmentSid, env.sid);
  await vars.create({ key: 'GREETING', value: 'hello' });
  assert.deepEqual((await vars.list()).map((v) => [v.key, v.value]), [
    ['API_KEY', 'secret'],
    ['GREETING', 'hello'],
  ]);
  const changed = await vars(apiKey.sid).update({ value: 'rotated' });
  assert.equal(changed.value, 'rotated');
  assert.equal((await vars(apiKey.sid).fetch()).value, 'rotated');
  await rejectsWith(vars.create({ key: 'GREETING', value: 'again' }), 409, 20409);
  assert.equal(await vars(apiKey.sid).remove(), true);
  assert.deepEqual((await vars.list()).map((v) => v.key), ['GREETING']);

  section('functions: create, fetch, list, update, remove');
  const fn = await svc.functions.create({ friendlyName: 'hello' });
  assert.match(fn.sid, /^ZH[0-9a-f]{32}$/);
  assert.equal(fn.friendlyName, 'hello');
  const renamedFn = await svc.functions(fn.sid).update({ friendlyName: 'hello-world' });
  assert.equal(renamedFn.friendlyName, 'hello-world');
  const tmpFn = await svc.functions.create({ friendlyName: 'temporary' });
  assert.deepEqual((await svc.functions.list()).map((f) => f.sid), [fn.sid, tmpFn.sid]);
  assert.equal(await svc.functions(tmpFn.sid).remove(), true);
  assert.deepEqual((await svc.functions.list()).map((f) => f.sid), [fn.sid]);
  assert.equal((await svc.functions(fn.sid).fetch()).friendlyName, 'hello-world');

  section('function versions: list, fetch, content');
  const code = "exports.handler = (context, event, callback) => callback(null, 'hi');\n";
  const uploaded = await upload('Functions', service.sid, fn.sid, '/hello', 'public', code, 'application/javascript');
  const uploaded2 = await upload('Functions', service.sid, fn.sid, 'hello', 'protected', code + '// v2\n', 'application/javascript');
  const versions = await svc.functions(fn.sid).functionVersions.list();
  assert.deepEqual(versions.map((v) => v.sid), [uploaded.sid, uploaded2.sid]);
  const version = await svc.functions(fn.sid).functionVersions(uploaded2.sid).fetch();
  assert.equal(version.path, '/hello');
  assert.equal(version.visibility, 'protected');
  assert.equal(version.functionSid, fn.sid);
  const content = await svc.functions(fn.sid).functionVersions(uploaded.sid).functionVersionContent().fetch();
  assert.equal(content.sid, uploaded.sid);
  assert.equal(content.content, code);

  section('assets: create, fetch, list, update, versions');
  const asset = await svc.assets.create({ friendlyName: 'logo' });
  assert.match(asset.sid, /^ZH[0-9a-f]{32}$/);
  assert.equal((await svc.assets(asset.sid).update({ friendlyName: 'logo-svg' })).friendlyName, 'logo-svg');
  assert.deepEqual((await svc.assets.list()).map((a) => a.sid), [asset.sid]);
  const assetVersion = await upload('Assets', service.sid, asset.sid, '/logo.svg', 'public', '<svg/>', 'image/svg+xml');
  const assetVersions = await svc.assets(asset.sid).assetVersions.list();
  assert.deepEqual(assetVersions.map((v) => v.sid), [assetVersion.sid]);
  const av = await svc.assets(asset.sid).assetVersions(assetVersion.sid).fetch();
  assert.equal(av.path, '/logo.svg');
  assert.equal(av.visibility, 'public');
  const tmpAsset = await svc.assets.create({ friendlyName: 'temporary' });
  assert.equal(await svc.assets(tmpAsset.sid).remove(), true);
  await rejectsWith(svc.assets(tmpAsset.sid).fetch(), 404, 20404);

  section('builds: create, status, fetch, list, remove');
  const build = await svc.builds.create({
    functionVersions: [uploaded.sid],
    assetVersions: [assetVersion.sid],
    dependencies: JSON.stringify([
      { name: 'twilio', version: '^5.0.0' },
      { name: 'lodash', version: '4.17.21' },
    ]),
    runtime: 'node20',
  });
  assert.match(build.sid, /^ZB[0-9a-f]{32}$/);
  assert.equal(build.status, 'building');
  assert.equal(build.runtime, 'node20');
  assert.deepEqual(build.functionVersions.map((v) => v.sid), [uploaded.sid]);
  assert.deepEqual(build.assetVersions.map((v) => v.sid), [assetVersion.sid]);
  assert.deepEqual(
    build.dependencies.map((d) => [d.name, d.version]).sort(),
    [['lodash', '4.17.21'], ['twilio', '^5.0.0']],
  );
  await eventually('the build to complete', async () => {
    const status = await svc.builds(build.sid).buildStatus().fetch();
    assert.ok(['building', 'completed'].includes(status.status), `status ${status.status}`);
    return status.status === 'completed';
  });
  assert.equal((await svc.builds(build.sid).fetch()).status, 'completed');

  const broken = await svc.builds.create({
    functionVersions: [uploaded.sid],
    dependencies: JSON.stringify([{ name: 'lodash', version: 'not-a-version' }]),
  });
  await eventually('the broken build to fail', async () => {
    const status = await svc.builds(broken.sid).buildStatus().fetch();
    return status.status === 'failed';
  });
  assert.deepEqual((await svc.builds.list()).map((b) => b.sid), [build.sid, broken.sid]);
  assert.equal(await svc.builds(broken.sid).remove(), true);
  assert.deepEqual((await svc.builds.list()).map((b) => b.sid), [build.sid]);

  section('deployments: create, fetch, list');
  const deployments = svc.environments(env.sid).deployments;
  const deployment = await deployments.create({ buildSid: build.sid });
  assert.match(deployment.sid, /^ZD[0-9a-f]{32}$/);
  assert.equal(deployment.buildSid, build.sid);
  assert.equal(deployment.environmentSid, env.sid);
  assert.equal((await deployments(deployment.sid).fetch()).buildSid, build.sid);
  assert.deepEqual((await deployments.list()).map((d) => d.sid), [deployment.sid]);
  assert.equal((await svc.environments(env.sid).fetch()).buildSid, build.sid);
  await rejectsWith(svc.builds(build.sid).remove(), 409, 20409);

  section('logs: list with limit, each, page iteration, fetch, filters');
  // The emulator-only invoke endpoint writes log entries as a call of the function would.
  for (let i = 0; i < 4; i++) {
    const { status, body } = await http(cfg, 'POST', `/__emulator/invoke/${service.sid}/${env.sid}/hello`, {
      json: { logs: [{ level: 'info', message: `call ${i}` }, { level: 'error', message: `oops ${i}` }] },
    });
    assert.equal(status, 200, JSON.stringify(body));
  }
  const logs = svc.environments(env.sid).logs;
  const allLogs = await logs.list();
  // 2 deployment entries, then 4 calls of started + 2 lines + ended.
  assert.equal(allLogs.length, 2 + 4 * 4);
  assert.equal(new Set(allLogs.map((l) => l.sid)).size, allLogs.length);
  assert.ok(allLogs.every((l) => /^NO[0-9a-f]{32}$/.test(l.sid)), 'log SIDs');
  assert.ok(
    allLogs.every((l, i) => i === 0 || l.dateCreated <= allLogs[i - 1].dateCreated),
    'logs are newest first',
  );
  assert.ok(allLogs.some((l) => l.message === 'oops 3' && l.level === 'error'));

  const limited = await logs.list({ limit: 5 });
  assert.deepEqual(limited.map((l) => l.sid), allLogs.slice(0, 5).map((l) => l.sid));
  const smallPages = await logs.list({ limit: 7, pageSize: 3 });
  assert.deepEqual(smallPages.map((l) => l.sid), allLogs.slice(0, 7).map((l) => l.sid));

  const eachSids = [];
  await new Promise((resolve, reject) => {
    logs.each({
      pageSize: 4,
      callback: (item) => eachSids.push(item.sid),
      done: (error) => (error ? reject(error) : resolve()),
    });
  });
  assert.deepEqual(eachSids, allLogs.map((l) => l.sid));

  const before = httpClient.requests;
  const pagedSids = [];
  let pages = 0;
  let page = await logs.page({ pageSize: 5 });
  while (page) {
    pages += 1;
    pagedSids.push(...page.instances.map((l) => l.sid));
    assert.ok(page.nextPageUrl === undefined || page.nextPageUrl.startsWith(`${cfg.base}/v1/`), page.nextPageUrl);
    page = await page.nextPage();
  }
  assert.equal(pages, 4);
  assert.equal(httpClient.requests - before, 4, 'one request per page');
  assert.deepEqual(pagedSids, allLogs.map((l) => l.sid));

  const one = await logs(allLogs[3].sid).fetch();
  assert.equal(one.message, allLogs[3].message);
  assert.equal(one.environmentSid, env.sid);
  const fnLogs = await logs.list({ functionSid: fn.sid });
  assert.equal(fnLogs.length, 4 * 4);
  assert.ok(fnLogs.every((l) => l.functionSid === fn.sid));
  const future = await logs.list({ startDate: new Date(Date.now() + 3600_000), endDate: new Date(Date.now() + 7200_000) });
  assert.equal(future.length, 0);
  const window = await logs.list({ startDate: new Date(Date.now() - 3600_000), endDate: new Date(Date.now() + 60_000) });
  assert.equal(window.length, allLogs.length);

  section('cleanup: removing the service removes everything in it');
  assert.equal(await svc.remove(), true);
  await rejectsWith(svc.fetch(), 404, 20404);
  await rejectsWith(svc.environments(env.sid).fetch(), 404, 20404);
});
