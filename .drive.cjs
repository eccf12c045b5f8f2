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

// ../../tmp/hp/drive.ts
var import_autocannon = __toESM(require("autocannon"));

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

// ../../tmp/hp/drive.ts
var url = process.argv[2];
(0, import_autocannon.default)({ url, connections: 10, duration: 8, requests: [{ method: "POST", path: process.argv[3] ?? "/bench/noop", headers: { "content-type": "application/json", authorization: "Bearer bench-ingest-token-0123456789abcdef" }, setupRequest: (r) => ({ ...r, body: freshBatch() }) }] }).then((r) => console.log("rps", r.requests.average, "non2xx", r.non2xx));
