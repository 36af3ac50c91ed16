'use strict';
// Serves one environment's live build with @twilio/runtime-handler's own dev runtime (the one
// `twilio-run start` uses), so context, event, callback, Twilio.Response, Twilio.twiml and
// Runtime.getFunctions()/getAssets() are Twilio's, not ours.
//
// Started by the emulator as `node serve.js` with Node's IPC channel on fd 0
// (NODE_CHANNEL_FD=0, JSON serialization). It listens on no port: the emulator accepts each
// connection to the environment's live URL, reads its Host without consuming it, and hands the
// socket itself over the channel, so requests reach this process with no hop in between, as
// they reach `twilio-run start` (docs/PERFORMANCE.md, "Live URLs"). When the channel closes
// (the emulator stopped or died) this process exits.
//
// From the emulator, on the channel:
// - first {"config": {dir, domain, tag, auth_token, env, functions, assets}}, each route
//   {"path", "file", "access"} with `file` relative to `dir`;
// - a socket with {"conn": id}: a connection to serve;
// - {"seq": n, "env"?: {...}}: the context's new variables, if any. Answered by {"synced": n}
//   once applied: the API call that changed them answers only then, and a Logs read knows that
//   every record written before it has arrived.
//
// To the emulator, one JSON record per line on stdout, gathered and written in batches
// (records.js): {"ready": true}; {"rq", "level", "msg"} for what a function writes; {"rq",
// "end": ms, "fn": path, "conn"} once it has answered; {"rq", "start": path, "conn", "ms"} for one
// still running after 25 ms (it may be stuck); {"closed": conn} once a connection is gone;
// {"synced": n}. The emulator trusts none of it beyond this environment: a request SID must
// carry the tag it gave this process, it names the function, environment and build itself, and
// it stores nothing under a request SID that was issued before.

const crypto = require('crypto');
const http = require('http');
const path = require('path');
const util = require('util');
const { Readable } = require('stream');
const { AsyncLocalStorage } = require('async_hooks');

const records = require(path.join(__dirname, 'records.js')).recorder();
const requestContext = new AsyncLocalStorage();
// A request body a function may receive (AWS Lambda's, which Twilio Functions run on).
const BODY_LIMIT = 6 * 1024 * 1024;
// What is kept of one printed message (the emulator keeps 4 KB of it).
const MESSAGE_LIMIT = 16 * 1024;

// Everything a function prints is a record of its request, whichever way it prints it.
function capture(level) {
  return (...args) => {
    const store = requestContext.getStore();
    const msg = util.format(...args).slice(0, MESSAGE_LIMIT);
    // After its answer an execution has ended: what it prints then belongs to no request.
    records.record({ rq: store && !store.ended ? store.rq : null, level, msg });
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
// fd 0 is the emulator's channel: code that reads stdin gets an empty stream instead.
Object.defineProperty(process, 'stdin', { value: Readable.from([]), configurable: true });

let serve = null;
process.on('message', (message, socket) => {
  if (socket) return serve && serve.connection(socket, message.conn);
  if (message.config) {
    serve = start(message.config);
    return records.now({ ready: true });
  }
  if (typeof message.seq === 'number') {
    if (message.env && serve) serve.variables(message.env);
    records.now({ synced: message.seq });
  }
});
process.on('disconnect', () => process.exit(0));
// How the emulator asks it to stop: through `exit`, so what runs is reported (records.js).
process.on('SIGTERM', () => process.exit(0));
process.on('exit', () => records.exit());

// The `domain_name` a Host of the form `<domain>.localhost[:port]` names (as the emulator reads
// it, `host_domain` in runtime/live.rs), for the few hosts a process sees.
const domains = new Map();
function domainOf(host) {
  let domain = domains.get(host);
  if (domain === undefined) {
    if (domains.size >= 16) domains.clear();
    domain = readDomain(host);
    domains.set(host, domain);
  }
  return domain;
}
function readDomain(host) {
  let name = String(host || '').toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(name.slice(colon + 1))) name = name.slice(0, colon);
  if (!name.endsWith('.localhost')) return null;
  const base = name.slice(0, -'.localhost'.length);
  return base.endsWith('.twil.io') ? base : `${base}.twil.io`;
}

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
  // Running executions name their function by its index (records.js).
  const indexOf = new Map(routes.functions.map((entry, index) => [entry, index]));
  records.watch(routes.functions.map((entry) => entry.path));

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
  // The context's variables, SIDs and credentials; DOMAIN_NAME is the Host each request names.
  // The context reads the server's env when each execution starts (constructContext).
  let variables = config.env;
  const withDomain = new Map();
  const envFor = (host) => {
    let env = withDomain.get(host);
    if (!env) {
      if (withDomain.size >= 16) withDomain.clear();
      env = { ...variables, DOMAIN_NAME: host };
      withDomain.set(host, env);
    }
    return env;
  };
  // A plain handler in front of the dev runtime's own express app: a second express app here
  // cost every request its router for four steps (`cargo xtask bench`, docs/BENCHMARKS.md).
  const handle = (req, res) => {
    // A connection is handed over for one environment; a client that reuses it for another
    // host is told to open a new one (RFC 9110, 421).
    if (domainOf(req.headers.host) !== config.domain) {
      res.shouldKeepAlive = false;
      return answer(res, 421, 'This connection was opened for another host: open a new one');
    }
    if (Number(req.headers['content-length']) > BODY_LIMIT) {
      res.shouldKeepAlive = false;
      return answer(res, 413, 'The request body is larger than 6 MB');
    }
    const entry = access.get(req.url.split('?', 1)[0]);
    // Private Functions and Assets have no URL; only code of the build reaches them.
    if (!entry || entry.access === 'private') return answer(res, 404, 'Not Found');
    dev.config.env = envFor(req.headers.host);
    if (!indexOf.has(entry)) return devApp(req, res);
    if (entry.access === 'protected') return checkSignature(entry, req, res);
    execute(entry, req, res);
  };
  // One execution: its records name the request SID, and its end is gathered before the
  // answer leaves, so a Logs read after the answer (which first asks for everything gathered)
  // finds it.
  const execute = (entry, req, res) => {
    const rq = requestSid(config.tag);
    const started = process.hrtime.bigint();
    const conn = req.socket[connection];
    res.setHeader('x-switchboard-request-sid', rq);
    const slot = records.begin(rq, conn, indexOf.get(entry));
    const context = { rq, ended: false };
    const finish = () => {
      if (context.ended) return;
      context.ended = true;
      records.end(slot);
      const ms = Number((process.hrtime.bigint() - started) / 1000000n);
      records.record({ rq, end: ms, fn: entry.path, conn });
    };
    const end = res.end;
    res.end = function endAfterRecord(...args) {
      finish();
      return end.apply(this, args);
    };
    res.on('close', finish);
    requestContext.run(context, () => run(entry, req, res));
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
  // A refused call never reached the function: no execution, no log entries, as on Twilio.
  const checkSignature = (entry, req, res) =>
    formBody(req, res, (error) => {
      if (error) return answer(res, error.status || 400, error.message);
      const url = `http://${req.headers.host}${req.url}`;
      const signature = req.headers['x-twilio-signature'];
      if (signature && twilio.validateRequest(config.auth_token, signature, url, req.body || {})) {
        return execute(entry, req, res);
      }
      answer(res, 403, 'Forbidden: this resource is protected and needs a valid X-Twilio-Signature');
    });

  const server = http.createServer({ maxHeaderSize: 1 << 20 }, handle);
  return {
    connection(socket, id) {
      socket[connection] = id;
      // A server sets this on the sockets it accepts itself; these it did not accept.
      socket.setNoDelay(true);
      socket.on('close', () => records.now({ closed: id }));
      server.emit('connection', socket);
    },
    variables(env) {
      variables = env;
      withDomain.clear();
    },
  };
}

const connection = Symbol('switchboard.connection');

// Like the SIDs the emulator issues by the thousand (`issue_sid`), 12 hex digits of the time in
// milliseconds come first, so each lands at the end of the store's index; then the 8 of this
// process's tag, then 12 random ones, drawn a thousand at a time.
const RANDOM_SIDS = 1024;
const random = Buffer.alloc(6 * RANDOM_SIDS);
let drawn = RANDOM_SIDS;
function requestSid(tag) {
  if (drawn === RANDOM_SIDS) {
    crypto.randomFillSync(random);
    drawn = 0;
  }
  const time = Date.now().toString(16).padStart(12, '0');
  const bits = random.toString('hex', 6 * drawn, 6 * drawn + 6);
  drawn += 1;
  return `RQ${time}${tag}${bits}`;
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
