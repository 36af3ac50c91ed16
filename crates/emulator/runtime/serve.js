'use strict';
// Serves one environment's live build with @twilio/runtime-handler's own dev runtime (the one
// `twilio-run start` uses), so context, event, callback, Twilio.Response, Twilio.twiml and
// Runtime.getFunctions()/getAssets() are Twilio's, not ours.
//
// Started by the emulator as `node serve.js`. Protocol, one JSON object per line:
// - stdin, first line: {"dir", "auth_token", "functions": [...], "assets": [...]}, each route
//   {"path", "file", "access"} with `file` relative to `dir`. When stdin closes (the emulator
//   stopped or died) this process exits.
// - stdout: {"ready": port} once listening on 127.0.0.1; {"rq", "level", "msg"} for what a
//   function writes; {"rq", "end": true} once a request's response is finished. The emulator
//   trusts none of it beyond this environment: it only accepts request SIDs it has in flight
//   here, and it names the function and environment itself.
//
// Per request, the emulator sends `x-switchboard-request` (the RQ SID) and `x-switchboard-env`
// (base64 JSON of the context's variables, read fresh for every execution); both are removed
// before the function sees the request.

const http = require('http');
const path = require('path');
const util = require('util');
const { AsyncLocalStorage } = require('async_hooks');

const writeOut = process.stdout.write.bind(process.stdout);
const emit = (record) => writeOut(JSON.stringify(record) + '\n');
const requestContext = new AsyncLocalStorage();

// Everything a function prints is a record of its request, whichever way it prints it.
function capture(level) {
  return (...args) => {
    const store = requestContext.getStore();
    emit({ rq: store ? store.rq : null, level, msg: util.format(...args) });
  };
}
console.log = capture('info');
console.info = capture('info');
console.debug = capture('info');
console.trace = capture('info');
console.warn = capture('warn');
console.error = capture('error');
const streamCapture = (level) =>
  function write(chunk, encoding, done) {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    capture(level)(text.replace(/\n$/, ''));
    if (typeof encoding === 'function') encoding();
    else if (typeof done === 'function') done();
    return true;
  };
process.stdout.write = streamCapture('info');
process.stderr.write = streamCapture('error');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (input === null) return;
  input += chunk;
  const newline = input.indexOf('\n');
  if (newline >= 0) {
    const line = input.slice(0, newline);
    input = null;
    start(JSON.parse(line));
  }
});
process.stdin.on('end', () => process.exit(0));

function start(config) {
  const dir = config.dir;
  const fromBuild = (name) => require(require.resolve(name, { paths: [dir] }));
  const devEntry = require.resolve('@twilio/runtime-handler/dev', { paths: [dir] });
  // dist/dev-runtime/dev-runtime.js: its own dependencies resolve from the package's folder.
  const handlerDir = path.resolve(path.dirname(devEntry), '..', '..');
  const fromHandler = (name) => require(require.resolve(name, { paths: [handlerDir] }));
  const { LocalDevelopmentServer } = require(devEntry);
  const bodyParser = fromHandler('body-parser');
  const twilio = (() => {
    try {
      return fromBuild('twilio');
    } catch (_) {
      return fromHandler('twilio');
    }
  })();

  const route = (entry) => ({
    name: entry.path.slice(1),
    path: entry.path,
    filePath: path.join(dir, entry.file),
    access: entry.access,
  });
  const routes = { functions: config.functions.map(route), assets: config.assets.map(route) };
  const access = new Map();
  for (const entry of [...routes.functions, ...routes.assets]) access.set(entry.path, entry);

  const dev = new LocalDevelopmentServer(0, {
    baseDir: dir,
    env: {},
    port: 0,
    url: 'http://localhost',
    detailedLogs: false,
    live: false,
    logs: false,
    legacyMode: false,
    appName: 'switchboard-emulator',
    forkProcess: false,
    enableDebugLogs: false,
    routes,
  });

  const devApp = dev.getApp();
  const formBody = bodyParser.urlencoded({ extended: false, limit: '6mb' });
  // The variables as last sent: parsed again only when they change.
  let lastEnv = null;
  // A plain handler in front of the dev runtime's own express app: a second express app here
  // cost every request its router for four steps (`cargo xtask bench`, docs/BENCHMARKS.md).
  const handle = (req, res) => {
    const rq = req.headers['x-switchboard-request'] || null;
    const env = req.headers['x-switchboard-env'];
    delete req.headers['x-switchboard-request'];
    delete req.headers['x-switchboard-env'];
    const kept = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!req.rawHeaders[i].toLowerCase().startsWith('x-switchboard-')) {
        kept.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
      }
    }
    req.rawHeaders.length = 0;
    req.rawHeaders.push(...kept);
    if (env && env !== lastEnv) {
      // The context reads the server's env when each execution starts (constructContext).
      dev.config.env = JSON.parse(Buffer.from(env, 'base64').toString('utf8'));
      lastEnv = env;
    }
    res.on('close', () => emit({ rq, end: true }));
    requestContext.run({ rq }, () => dispatch(req, res));
  };
  const dispatch = (req, res) => {
    const entry = access.get(req.url.split('?', 1)[0]);
    if (!entry) return devApp(req, res);
    if (entry.access === 'protected') return checkSignature(entry, req, res);
    run(entry, req, res);
  };
  // A function's failure is logged as Twilio logs it, beside the error answer the runtime sends.
  // Wrapped once per function: a `require` per request would resolve its path every time.
  const unwrapped = new Set(routes.functions);
  const run = (entry, req, res) => {
    if (unwrapped.has(entry) && wrapHandler(entry.filePath)) unwrapped.delete(entry);
    devApp(req, res);
  };
  // Protected Functions and Assets answer only requests Twilio signed with the account's token
  // (twilio's own validateRequest: HMAC-SHA1 over the URL and the sorted POST parameters).
  const checkSignature = (entry, req, res) =>
    formBody(req, res, (error) => {
      if (error) return answer(res, error.status || 400, error.message);
      const url = `http://${req.headers.host}${req.url}`;
      const signature = req.headers['x-twilio-signature'];
      if (signature && twilio.validateRequest(config.auth_token, signature, url, req.body || {})) {
        return run(entry, req, res);
      }
      // Not an execution: the emulator writes no log entries for it (and drops this header).
      res.setHeader('x-switchboard-refused', 'signature');
      answer(res, 403, 'Forbidden: this resource is protected and needs a valid X-Twilio-Signature');
    });

  const server = http.createServer({ maxHeaderSize: 1 << 20 }, handle);
  server.listen(0, '127.0.0.1', () => emit({ ready: server.address().port }));
}

function answer(res, status, text) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(text);
}

const wrapped = Symbol('switchboard.wrapped');
// Whether the function's handler now logs its failures.
function wrapHandler(filePath) {
  let module;
  try {
    module = require(filePath);
  } catch (error) {
    // Not loaded: tried again, and reported again, at the next request.
    console.error(error && error.stack ? error.stack : String(error));
    return false;
  }
  const handler = module && module.handler;
  if (typeof handler !== 'function') return false;
  if (handler[wrapped]) return true;
  const report = (error) => console.error(error && error.stack ? error.stack : String(error));
  const wrapper = function handlerWithErrorLog(context, event, callback) {
    const reply = (error, payload) => {
      if (error) report(error);
      return callback(error, payload);
    };
    try {
      const result = handler.call(this, context, event, reply);
      if (result && typeof result.catch === 'function') {
        result.catch((error) => reply(error));
      }
      return result;
    } catch (error) {
      report(error);
      throw error;
    }
  };
  wrapper[wrapped] = true;
  module.handler = wrapper;
  return true;
}
