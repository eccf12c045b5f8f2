var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// bench/endpoint/open-loop.ts
var import_node_http = __toESM(require("node:http"));
var import_node_perf_hooks = require("node:perf_hooks");
async function openLoop(options) {
  const agent = new import_node_http.default.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const interval = 1e3 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const fromDue = [];
  const fromSend = [];
  const sendLag = [];
  let failed = 0;
  let settled = 0;
  let measuring = false;
  let start = 0;
  const warmUp = () => send(import_node_perf_hooks.performance.now());
  const send = (due) => new Promise((resolve) => {
    sendLag.push(import_node_perf_hooks.performance.now() - due);
    const body = options.body();
    const request = import_node_http.default.request({
      host: target.hostname,
      port: target.port,
      path: options.path,
      method: "POST",
      agent,
      headers: { ...options.headers, "content-length": String(body.length) }
    });
    let sentAt = 0;
    request.once("socket", () => {
      sentAt = import_node_perf_hooks.performance.now();
    });
    request.once("response", (response) => {
      response.resume();
      response.once("end", () => {
        const end = import_node_perf_hooks.performance.now();
        if (response.statusCode !== void 0 && response.statusCode >= 200 && response.statusCode < 300) {
          fromDue.push(end - due);
          if (measuring) {
            options.trace?.(due - start, end - due);
          }
          fromSend.push(end - sentAt);
        } else {
          failed++;
        }
        resolve();
      });
    });
    request.once("error", () => {
      failed++;
      resolve();
    });
    request.end(body);
  });
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: options.connections }, () => warmUp()));
  }
  fromDue.length = 0;
  fromSend.length = 0;
  sendLag.length = 0;
  failed = 0;
  settled = 0;
  const started = import_node_perf_hooks.performance.now();
  start = started + 5;
  measuring = true;
  const pending = [];
  await new Promise((done) => {
    let k = 0;
    const tick = () => {
      const now = import_node_perf_hooks.performance.now();
      for (; k < total && start + k * interval <= now; k++) {
        pending.push(send(start + k * interval).then(() => {
          settled++;
        }));
      }
      if (k < total) {
        setTimeout(tick, Math.max(0, start + k * interval - import_node_perf_hooks.performance.now()));
      } else {
        done();
      }
    };
    setTimeout(tick, start - import_node_perf_hooks.performance.now());
  });
  await Promise.all(pending);
  const elapsed = (import_node_perf_hooks.performance.now() - start) / 1e3;
  agent.destroy();
  return {
    rate: fromDue.length / elapsed,
    p50: percentile(fromDue, 0.5),
    p99: percentile(fromDue, 0.99),
    max: percentile(fromDue, 1),
    p99FromSend: percentile(fromSend, 0.99),
    sendLagP99: percentile(sendLag, 0.99),
    answered: settled - failed,
    failed
  };
}
function percentile(values, q) {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return Math.round(sorted[rank - 1] * 10) / 10;
}

// bench/endpoint/workload.ts
var import_node_crypto3 = require("node:crypto");

// protocol/ids.ts
var import_node_crypto = require("node:crypto");
var POOL = Buffer.alloc(4096);
var poolAt = POOL.length;
var COUNTER_BITS = 42;
var COUNTER_LIMIT = 2 ** COUNTER_BITS;
function newInstallationId() {
  return (0, import_node_crypto.randomUUID)();
}

// protocol/owner-key.ts
var import_node_crypto2 = require("node:crypto");
function newOwnerSecret() {
  return (0, import_node_crypto2.randomBytes)(32).toString("base64url");
}
function ownerKeyHash(secret) {
  return (0, import_node_crypto2.createHash)("sha256").update(secret, "utf8").digest("hex");
}

// bench/endpoint/workload.ts
var EVENTS_PER_BATCH = 50;
var pool = Buffer.alloc(64 * 1024);
var poolAt2 = pool.length;
var lastMs = 0;
var sequence = 0;
function uuidv7(ms) {
  if (poolAt2 + 8 > pool.length) {
    (0, import_node_crypto3.randomFillSync)(pool);
    poolAt2 = 0;
  }
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  const time = ms.toString(16).padStart(12, "0");
  const counter = (28672 | sequence & 4095).toString(16);
  const variant = (32768 | pool.readUInt16BE(poolAt2) & 16383).toString(16);
  const rest = pool.toString("hex", poolAt2 + 2, poolAt2 + 8);
  poolAt2 += 8;
  return `${time.slice(0, 8)}-${time.slice(8)}-${counter}-${variant}-${rest}`;
}
var installations = Array.from({ length: 1e3 }, () => {
  const secret = newOwnerSecret();
  return { id: newInstallationId(), hash: ownerKeyHash(secret), session: (0, import_node_crypto3.randomBytes)(16).toString("hex") };
});
var COMMANDS = ["candor.showPending", "editor.action.formatDocument", "git.commit", "workbench.action.findInFiles", "gitGraph.openView", "python.runLinting"];
var LANGUAGES = ["typescript", "python", "markdown", "rust", "go", "json"];
function eventTemplate(k) {
  const envelope = (kind, name, extension) => ({
    id: "@ID@",
    kind,
    name,
    timestamp: "@TS@",
    sequence: k,
    installationId: "@INST@",
    sessionId: "@SESSION@",
    source: { extension, version: "2.14.3" },
    client: { candorVersion: "0.1.0", editorName: "Visual Studio Code", editorVersion: "1.100.3", platform: "linux" }
  });
  let event;
  switch (k % 10) {
    case 3:
      event = { ...envelope("performance", "gitGraph.renderGraph", "mhutchie.git-graph"), data: { value: 12.5 + k, unit: "ms", properties: { commits: "over-1000", layout: "compact", language: LANGUAGES[k % 6] } } };
      break;
    case 7:
      event = {
        ...envelope("error", "gitGraph.commandFailed", "mhutchie.git-graph"),
        data: {
          errorType: "GitCommandError",
          fatal: false,
          message: "git log exited with code 128: fatal: not a git repository: <path>",
          stack: [
            { function: "GitCommand.run", file: "dist/extension.js", line: 1, column: 20480 },
            { function: "DataSource.getCommits", file: "dist/extension.js", line: 1, column: 51237 },
            { function: "GitGraphView.loadRepo", file: "dist/extension.js", line: 1, column: 90113 }
          ],
          properties: { command: "log", repoCount: 2 }
        }
      };
      break;
    case 9:
      event = { ...envelope("heartbeat", "candor.heartbeat", "candor.candor"), data: { intervalMs: 9e5, activeMs: 612e3 + k, counters: { usage: 31, performance: 6, error: 1, batchesDelivered: 2 }, drops: {} } };
      break;
    default:
      event = {
        ...envelope("usage", "editor.commandRun", "candor.candor"),
        data: {
          properties: { command: COMMANDS[k % 6], trigger: k % 2 ? "palette" : "keybinding" },
          measurements: { durationMs: 3 + k % 17 }
        }
      };
  }
  return JSON.stringify(event);
}
var BATCH_TEMPLATE = `{"specVersion":"1.0","batchId":"@ID@","sentAt":"@SENT@","installationId":"@INST@","ownerKeyHash":"@HASH@","events":[${Array.from({ length: EVENTS_PER_BATCH }, (_, k) => eventTemplate(k)).join(",")}]}`;
var WIDTH = { id: 36, time: 24, inst: 36, hash: 64, session: 32 };
var MARKERS = { "@ID@": "id", "@SENT@": "time", "@TS@": "time", "@INST@": "inst", "@HASH@": "hash", "@SESSION@": "session" };
var slots = [];
var text = "";
for (const part of BATCH_TEMPLATE.split(/(@ID@|@SENT@|@INST@|@HASH@|@TS@|@SESSION@)/)) {
  const slot = MARKERS[part];
  if (slot === void 0) {
    text += part;
    continue;
  }
  slots.push({ slot, at: Buffer.byteLength(text) });
  text += "0".repeat(WIDTH[slot]);
}
var TEMPLATE = Buffer.from(text);
function freshBatch() {
  const inst = installations[Math.floor(Math.random() * installations.length)];
  const now = Date.now();
  const values = {
    id: () => uuidv7(now),
    time: () => nowIso,
    inst: () => inst.id,
    hash: () => inst.hash,
    session: () => inst.session
  };
  const nowIso = new Date(now).toISOString();
  const body = Buffer.allocUnsafe(TEMPLATE.length);
  TEMPLATE.copy(body);
  for (const { slot, at } of slots) {
    body.write(values[slot](), at, "latin1");
  }
  return body;
}

// ../../tmp/hp/ol.ts
var url = process.argv[2];
var rate = Number(process.argv[3] ?? 215);
var slow = [];
openLoop({ url, path: "/v1/batch", headers: { "content-type": "application/json", authorization: "Bearer bench-ingest-token-0123456789abcdef" }, body: freshBatch, rate, seconds: 10, connections: 10, trace: (due, lat) => {
  if (lat > 8) slow.push([Math.round(due), Math.round(lat * 10) / 10]);
} }).then((r) => {
  console.log(JSON.stringify(r));
  console.log("slow (due ms, latency):", JSON.stringify(slow.slice(0, 60)));
});
