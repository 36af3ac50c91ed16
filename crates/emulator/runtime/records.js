'use strict';
// How serve.js reports to the emulator: its records (one JSON object per line on stdout, listed
// in serve.js) are gathered in shared memory and written together, FLUSH_MS after the first of
// them, or at once when the emulator waits for them (`synced`, `closed`). A busy process then
// makes one pipe write per batch instead of two per request, and the emulator reads one batch
// instead of two records per request (docs/PERFORMANCE.md, "Live URLs").
//
// The executions running are in shared memory too, watched by a thread of their own. One that
// runs for REPORT_AFTER_MS is reported to the emulator as started, after everything pending: so
// the emulator learns of an execution that loops or hangs, even when it blocks this process's
// main thread, and stops it at Twilio's time limit and answers it itself. While one runs that
// long, the watcher also writes what is gathered every WATCH_EVERY_MS, which a blocked main
// thread cannot. An execution that ends sooner is known by its end record alone. On exit
// (process.exit, an uncaught exception, the emulator's SIGTERM) the executions still running are
// reported and everything pending is written.

const fs = require('fs');
const { Worker, isMainThread, workerData } = require('worker_threads');

const FLUSH_MS = 20;
const REPORT_AFTER_MS = 25;
const WATCH_EVERY_MS = 10;
// The watcher sleeps until the next execution once none has run for this long.
const IDLE_AFTER_MS = 1000;
// Executions watched at once; one beyond them is reported as started at once.
const SLOTS = 1024;
const SID = 34;
const BUFFER = 1 << 20;
// Cells of `control`.
const LOCK = 0;
const LENGTH = 1;
const SLEEPING = 2;
const ACTIVITY = 3;
const HIGH = 4;

function views(memory) {
  return {
    control: new Int32Array(memory.control),
    bytes: new Uint8Array(memory.buffer),
    // 0 free, 1 running, 2 running and reported.
    state: new Int32Array(memory.slots, 0, SLOTS),
    // Odd while the slot is being written (a sequence lock).
    generation: new Int32Array(memory.slots, SLOTS * 4, SLOTS),
    conn: new Int32Array(memory.slots, SLOTS * 8, SLOTS),
    route: new Int32Array(memory.slots, SLOTS * 12, SLOTS),
    started: new Float64Array(memory.slots, SLOTS * 16, SLOTS),
    sids: new Uint8Array(memory.slots, SLOTS * 24, SLOTS * SID),
  };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

// Everything in `data` to fd 1, which the emulator reads; a full pipe is waited out.
function writeAll(data) {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(1, data, offset, data.length - offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

// One writer at a time, and records in the order they were gathered: both threads write only
// with this held, and never for long.
function locked(view, work) {
  while (Atomics.compareExchange(view.control, LOCK, 0, 1) !== 0);
  try {
    return work();
  } finally {
    Atomics.store(view.control, LOCK, 0);
  }
}

// Writes what is gathered; the lock is held.
function drain(view) {
  const length = view.control[LENGTH];
  if (length > 0) {
    writeAll(view.bytes.subarray(0, length));
    view.control[LENGTH] = 0;
  }
}

const line = (record) => `${JSON.stringify(record)}\n`;

// The record saying that the execution in `slot` is running, and for how long.
function started(view, routes, slot) {
  const rq = Buffer.from(view.sids.slice(slot * SID, slot * SID + SID)).toString('latin1');
  const ms = Date.now() - view.started[slot];
  return { rq, start: routes[view.route[slot]], conn: view.conn[slot], ms };
}

function recorder() {
  const memory = {
    control: new SharedArrayBuffer(4 * 8),
    buffer: new SharedArrayBuffer(BUFFER),
    slots: new SharedArrayBuffer(SLOTS * (24 + SID)),
  };
  const view = views(memory);
  const encoder = new TextEncoder();
  const free = [];
  let next = 0;
  let timer = null;
  let routes = [];

  const flush = () => {
    timer = null;
    locked(view, () => drain(view));
  };
  const append = (text) =>
    locked(view, () => {
      const length = view.control[LENGTH];
      let { read, written } = encoder.encodeInto(text, view.bytes.subarray(length));
      if (read === text.length) {
        view.control[LENGTH] = length + written;
        return;
      }
      drain(view);
      ({ read, written } = encoder.encodeInto(text, view.bytes));
      if (read === text.length) view.control[LENGTH] = written;
      else writeAll(Buffer.from(text));
    });
  return {
    // Gathered, written within FLUSH_MS.
    record(record) {
      append(line(record));
      if (!timer) timer = setTimeout(flush, FLUSH_MS);
    },
    // Written now, after everything gathered.
    now(record) {
      append(line(record));
      if (timer) clearTimeout(timer);
      flush();
    },
    // Starts the watcher once the routes are known (by index: `route` of `begin`).
    watch(paths) {
      routes = paths;
      const worker = new Worker(__filename, { workerData: { memory, routes } });
      worker.unref();
    },
    // An execution begins: its slot, for `end`.
    begin(rq, conn, route) {
      const slot = free.length > 0 ? free.pop() : next < SLOTS ? next++ : -1;
      if (slot < 0) {
        this.now({ rq, start: routes[route], conn, ms: 0 });
        return -1;
      }
      Atomics.add(view.generation, slot, 1);
      for (let k = 0; k < SID; k++) view.sids[slot * SID + k] = rq.charCodeAt(k);
      view.conn[slot] = conn;
      view.route[slot] = route;
      view.started[slot] = Date.now();
      Atomics.add(view.generation, slot, 1);
      Atomics.store(view.state, slot, 1);
      if (next > Atomics.load(view.control, HIGH)) Atomics.store(view.control, HIGH, next);
      Atomics.add(view.control, ACTIVITY, 1);
      if (Atomics.compareExchange(view.control, SLEEPING, 1, 0) === 1) {
        Atomics.notify(view.control, SLEEPING);
      }
      return slot;
    },
    end(slot) {
      if (slot < 0) return;
      Atomics.store(view.state, slot, 0);
      free.push(slot);
    },
    // The process is exiting: what runs is reported, and everything is written.
    exit() {
      if (timer) clearTimeout(timer);
      locked(view, () => {
        let running = '';
        for (let slot = 0; slot < next; slot++) {
          if (Atomics.load(view.state, slot) === 1) running += line(started(view, routes, slot));
        }
        drain(view);
        writeAll(Buffer.from(running));
      });
    },
  };
}

// The watcher thread: reports each execution that has run for REPORT_AFTER_MS, once.
function watch({ memory, routes }) {
  const view = views(memory);
  const report = (slot) =>
    locked(view, () => {
      const generation = Atomics.load(view.generation, slot);
      if (generation % 2 === 1) return;
      const record = started(view, routes, slot);
      // Under the lock, so its end record cannot be written before this.
      if (Atomics.compareExchange(view.state, slot, 1, 2) !== 1) return;
      if (Atomics.load(view.generation, slot) !== generation) {
        // Another execution took the slot meanwhile: it is not reported yet.
        Atomics.compareExchange(view.state, slot, 2, 1);
        return;
      }
      drain(view);
      writeAll(Buffer.from(line(record)));
    });
  let activity = -1;
  let idleSince = Date.now();
  for (;;) {
    const now = Date.now();
    const high = Atomics.load(view.control, HIGH);
    let running = false;
    let long = false;
    for (let slot = 0; slot < high; slot++) {
      const state = Atomics.load(view.state, slot);
      if (state === 0) continue;
      running = true;
      if (state === 1 && now - view.started[slot] >= REPORT_AFTER_MS) report(slot);
      long = long || Atomics.load(view.state, slot) === 2;
    }
    if (long) locked(view, () => drain(view));
    const seen = Atomics.load(view.control, ACTIVITY);
    if (running || seen !== activity) {
      activity = seen;
      idleSince = now;
    }
    if (now - idleSince < IDLE_AFTER_MS) {
      Atomics.wait(pause, 0, 0, WATCH_EVERY_MS);
      continue;
    }
    Atomics.store(view.control, SLEEPING, 1);
    // Checked again once the flag is up: an execution begun meanwhile saw it, or is seen here.
    if (Atomics.load(view.control, ACTIVITY) === activity) {
      Atomics.wait(view.control, SLEEPING, 1);
    }
    Atomics.store(view.control, SLEEPING, 0);
    idleSince = Date.now();
  }
}

if (!isMainThread) watch(workerData);

module.exports = { recorder };
