// Builds bench/compare.sh's side-by-side table from one run's results.
//
// Inputs: criterion's output directory (per benchmark, `new/sample.json` holds the raw samples
// and `new/benchmark.json` the byte count), the JSON lines of `bench.mjs --json`, and the
// lines `sse_memory` printed. Throughput is bytes / time per iteration in MB/s (10^6 bytes),
// from the best sample on both sides (the usual choice on a shared, noisy machine: noise only
// ever slows a run down) and, in a second table, from the median. The ratios are ours over
// each peer, with the targets: >= 5x eventsource-parser, >= 8x eventsource-stream.
//
// Usage: node report.mjs --criterion DIR --node FILE [--memory FILE]

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const STREAMS = ['openai', 'gemini', 'anthropic'];
const TARGET_PARSER = 5;
const TARGET_STREAM = 8;

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!['criterion', 'node', 'memory'].includes(key) || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]}; usage: node report.mjs --criterion DIR --node FILE [--memory FILE]`);
    }
    opts[key] = argv[i + 1];
  }
  if (!opts.criterion || !opts.node) throw new Error('--criterion and --node are required');
  return opts;
}

// One criterion benchmark: { bytes, best, median } with times in ns per iteration.
function criterion(dir, ...path) {
  const base = join(dir, ...path, 'new');
  if (!existsSync(join(base, 'sample.json'))) return null;
  const sample = JSON.parse(readFileSync(join(base, 'sample.json'), 'utf8'));
  const bench = JSON.parse(readFileSync(join(base, 'benchmark.json'), 'utf8'));
  const perIter = sample.times.map((t, i) => t / sample.iters[i]).sort((a, b) => a - b);
  return { bytes: bench.throughput?.Bytes, best: perIter[0], median: perIter[Math.floor(perIter.length / 2)] };
}

const mbPerS = (bytes, ns) => (bytes && ns ? (bytes / ns) * 1e3 : NaN);
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const ratio = (a, b, target) => {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  const r = a / b;
  return `${r.toFixed(1)}x${target ? (r >= target ? ' ok' : ' LOW') : ''}`;
};

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const node = readFileSync(opts.node, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const peer = (stream, mode) => node.find((r) => r.stream === stream && r.mode === mode);
  const out = [];
  for (const stat of ['best', 'median']) {
    const rows = [];
    const ratios = [];
    for (const stream of STREAMS) {
      const rust = (fn) => {
        const c = criterion(opts.criterion, `sse_${stream}`, fn);
        return c ? mbPerS(c.bytes, c[stat]) : NaN;
      };
      const [borrowed, owned, esStream, floor] = ['genie_borrowed', 'genie_owned', 'eventsource_stream', 'memchr_floor'].map(rust);
      const strings = peer(stream, 'strings');
      const bytes = peer(stream, 'bytes');
      const esParser = strings ? mbPerS(strings.bytes, strings[`${stat}_ns`]) : NaN;
      const esParserBytes = bytes ? mbPerS(bytes.bytes, bytes[`${stat}_ns`]) : NaN;
      rows.push([stream, ((strings?.bytes ?? 0) / 1e6).toFixed(1), strings?.events ?? 'n/a', fmt(borrowed), fmt(owned),
        fmt(esStream), fmt(esParser), fmt(esParserBytes), fmt(floor)]);
      ratios.push([stream, ratio(borrowed, esParser, TARGET_PARSER), ratio(owned, esParser), ratio(borrowed, esParserBytes),
        ratio(borrowed, esStream, TARGET_STREAM), ratio(owned, esStream)]);
    }
    out.push(`### SSE throughput, MB/s (${stat} of the run's samples; 2 KiB chunks)\n`);
    out.push(table(['stream', 'MB', 'events', 'genie borrowed', 'genie owned', 'eventsource-stream',
      'eventsource-parser (strings)', 'eventsource-parser (bytes)', 'memchr floor'], rows));
    out.push(`\nRatios (${stat}); targets: >= ${TARGET_PARSER}x eventsource-parser, >= ${TARGET_STREAM}x eventsource-stream\n`);
    out.push(table(['stream', 'borrowed / es-parser', 'owned / es-parser', 'borrowed / es-parser (bytes)',
      'borrowed / es-stream', 'owned / es-stream'], ratios));
    out.push('');
  }
  const longRows = [];
  for (const [fn, sizes] of [['genie_borrowed', ['1024KiB', '8192KiB', '32768KiB']], ['eventsource_stream', ['256KiB', '1024KiB']]]) {
    for (const size of sizes) {
      const c = criterion(opts.criterion, 'sse_long_line', fn, size);
      if (c) longRows.push([fn, size, fmt(mbPerS(c.bytes, c.best)), fmt(mbPerS(c.bytes, c.median))]);
    }
  }
  out.push('### One long data line in 1 KiB chunks, MB/s\n');
  out.push(table(['parser', 'line', 'best', 'median'], longRows));
  const decodeRows = [];
  for (const provider of ['openai', 'gemini', 'anthropic', 'openai-responses']) {
    const c = criterion(opts.criterion, 'decode', provider);
    if (c) decodeRows.push([provider, fmt(mbPerS(c.bytes, c.best)), fmt(mbPerS(c.bytes, c.median))]);
  }
  out.push('\n### StreamDecoder (SSE + JSON + summary), 2 KiB chunks, MB/s\n');
  out.push(table(['provider', 'best', 'median'], decodeRows));
  if (opts.memory && existsSync(opts.memory)) {
    out.push('\n### Memory: one parser over a stream generated on the fly (peak RSS = VmHWM)\n');
    const lines = readFileSync(opts.memory, 'utf8').trim().split('\n');
    out.push(lines.join('\n'));
    const peaks = lines.map((l) => [Number(/ (\d+) bytes/.exec(l)?.[1]), Number(/after (\d+) KiB/.exec(l)?.[1])]);
    if (peaks.length >= 2 && peaks.every(([b, p]) => b > 0 && p > 0)) {
      const [[b0, p0], [b1, p1]] = [peaks[0], peaks[peaks.length - 1]];
      const grew = p1 - p0;
      out.push(`\nStream ${(b1 / b0).toFixed(0)}x longer, peak RSS ${grew >= 0 ? '+' : ''}${grew} KiB: ` +
        (grew <= 1024 ? 'constant in stream length (within 1 MiB).' : 'GROWS with stream length.'));
    }
  }
  console.log(out.join('\n'));
}

main();
