// Throughput of the npm `eventsource-parser` package on genie's benchmark streams.
//
// The peer side of bench/compare.sh: reads the files that `cargo run --release -p genie-core
// --example gen_streams` writes (the same bytes the criterion benches parse), cuts each into
// the same 2 KiB chunks, and feeds them to `createParser().feed()`. That API takes strings,
// not bytes, so each chunk goes through one streaming `TextDecoder` first (`{stream: true}`
// keeps a UTF-8 sequence split across chunks intact), exactly as a fetch() body reader would
// feed it. Two numbers per stream:
//
// - `bytes`: TextDecoder + feed timed together: bytes in, events out, like the Rust contenders;
// - `strings`: the chunks decoded beforehand, only feed timed: the parser alone (the stricter
//   comparison for us, since it leaves out work the peer cannot skip in practice).
//
// Each is timed over N runs after warm-up runs; the best and the median are reported. The event callback touches every event (sums
// its data length), and the event count is checked against gen_streams' manifest.json.
//
// Usage: node bench.mjs [--dir DIR] [--runs N] [--warmup N] [--json]

import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';

const CHUNK_BYTES = 2048;
const STREAMS = ['openai', 'gemini', 'anthropic'];

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const opts = { dir: join(here, '..', '..', 'target', 'bench-data'), runs: 15, warmup: 5, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') opts.json = true;
    else if (arg === '--dir') opts.dir = argv[++i];
    else if (arg === '--runs') opts.runs = Number(argv[++i]);
    else if (arg === '--warmup') opts.warmup = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg}; usage: node bench.mjs [--dir DIR] [--runs N] [--warmup N] [--json]`);
  }
  if (!(opts.runs >= 1) || !(opts.warmup >= 0)) throw new Error('--runs must be >= 1 and --warmup >= 0');
  return opts;
}

function chunksOf(bytes) {
  const chunks = [];
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) chunks.push(bytes.subarray(i, i + CHUNK_BYTES));
  return chunks;
}

function decodeAll(chunks) {
  const decoder = new TextDecoder('utf-8');
  const strings = chunks.map((c) => decoder.decode(c, { stream: true }));
  strings.push(decoder.decode());
  return strings;
}

// One pass over the stream; returns [elapsed ns, events, data length in UTF-16 units].
function runBytes(chunks) {
  let events = 0;
  let dataLength = 0;
  const parser = createParser({ onEvent(e) { events++; dataLength += e.data.length; } });
  const start = process.hrtime.bigint();
  const decoder = new TextDecoder('utf-8');
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  parser.feed(decoder.decode());
  const elapsed = process.hrtime.bigint() - start;
  return [Number(elapsed), events, dataLength];
}

function runStrings(strings) {
  let events = 0;
  let dataLength = 0;
  const parser = createParser({ onEvent(e) { events++; dataLength += e.data.length; } });
  const start = process.hrtime.bigint();
  for (const s of strings) parser.feed(s);
  const elapsed = process.hrtime.bigint() - start;
  return [Number(elapsed), events, dataLength];
}

function measure(run, input, { runs, warmup }) {
  const times = [];
  let events = -1;
  for (let i = 0; i < warmup + runs; i++) {
    const [ns, n] = run(input);
    if (events !== -1 && n !== events) throw new Error(`event count changed between runs: ${events} then ${n}`);
    events = n;
    if (i >= warmup) times.push(ns);
  }
  times.sort((a, b) => a - b);
  return { bestNs: times[0], medianNs: times[Math.floor(times.length / 2)], events };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const manifestPath = join(opts.dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {};
  const results = [];
  for (const name of STREAMS) {
    const path = join(opts.dir, `${name}.sse`);
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: run \`cargo run --release -p genie-core --example gen_streams\` first`);
    }
    const bytes = readFileSync(path);
    const chunks = chunksOf(bytes);
    const strings = decodeAll(chunks);
    for (const [mode, run, input] of [['bytes', runBytes, chunks], ['strings', runStrings, strings]]) {
      const { bestNs, medianNs, events } = measure(run, input, opts);
      const expected = manifest[name]?.events;
      if (expected !== undefined && expected !== events) {
        throw new Error(`${name}: eventsource-parser saw ${events} events, genie's parser ${expected}`);
      }
      results.push({ stream: name, mode, bytes: bytes.length, events, best_ns: bestNs, median_ns: medianNs });
    }
  }
  if (opts.json) {
    for (const r of results) console.log(JSON.stringify(r));
    return;
  }
  console.log(`eventsource-parser on Node ${process.version}, 2 KiB chunks, ${opts.runs} runs after ${opts.warmup} warm-up runs`);
  for (const r of results) {
    const mbs = (ns) => (r.bytes / 1e3 / ns * 1e6).toFixed(0).padStart(6);
    console.log(`${r.stream.padEnd(10)} ${r.mode.padEnd(8)} best ${mbs(r.best_ns)} MB/s  median ${mbs(r.median_ns)} MB/s  (${r.events} events)`);
  }
}

main();
