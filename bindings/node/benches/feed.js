// Throughput of the addon's feed() on genie's benchmark streams, as a Node server would see it:
// each stream cut into 2 KiB Buffers, every event materialised as a JS object.
//
//     cargo run --release -p genie-core --example gen_streams   # writes target/bench-data
//     npm run build && node benches/feed.js [--dir DIR] [--runs N]
//
// For each stream: SseParser.feed (SSE events) and StreamDecoder.feed (decoded events), the
// best of N runs after 3 warm-up runs, timed in process CPU time (steadier than wall time on
// a shared machine). Event counts are checked against gen_streams' manifest.json.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const genie = require('..')

const CHUNK = 2048

function parseArgs(argv) {
  const options = { dir: path.resolve(__dirname, '..', '..', '..', 'target', 'bench-data'), runs: 15 }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') options.dir = path.resolve(argv[++i])
    else if (argv[i] === '--runs') options.runs = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}; expected --dir DIR or --runs N`)
  }
  return options
}

function cpuMs(started) {
  const used = process.cpuUsage(started)
  return (used.user + used.system) / 1000
}

function measure(make, chunks, runs) {
  let best = Infinity
  let events = 0
  for (let run = 0; run < runs + 3; run++) {
    const target = make()
    const started = process.cpuUsage()
    let seen = 0
    for (const chunk of chunks) seen += target.feed(chunk).length
    target.finish()
    const ms = cpuMs(started)
    if (run >= 3) best = Math.min(best, ms)
    events = seen
  }
  return { ms: best, events }
}

function main() {
  const { dir, runs } = parseArgs(process.argv.slice(2))
  const manifestPath = path.join(dir, 'manifest.json')
  if (!fs.existsSync(manifestPath)) {
    console.error(`no ${manifestPath}: run \`cargo run --release -p genie-core --example gen_streams\` first`)
    return 1
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
  console.log(`genie-core ${genie.version()} on Node ${process.version}, ${CHUNK} B chunks, best of ${runs}`)
  for (const [name, expected] of Object.entries(manifest)) {
    const bytes = fs.readFileSync(path.join(dir, `${name}.sse`))
    const chunks = []
    for (let offset = 0; offset < bytes.length; offset += CHUNK) {
      chunks.push(bytes.subarray(offset, offset + CHUNK))
    }
    const sse = measure(() => new genie.SseParser(), chunks, runs)
    if (sse.events !== expected.events) {
      throw new Error(`${name}: ${sse.events} SSE events, manifest says ${expected.events}`)
    }
    const decoded = measure(() => new genie.StreamDecoder(name), chunks, runs)
    for (const [what, result] of [['SseParser', sse], ['StreamDecoder', decoded]]) {
      const mbps = bytes.length / 1e3 / result.ms
      const meps = result.events / 1e3 / result.ms
      console.log(
        `${name.padEnd(17)} ${what.padEnd(13)} ${mbps.toFixed(0).padStart(5)} MB/s ` +
          `${meps.toFixed(2)} M events/s (${result.events} events, ${result.ms.toFixed(1)} ms)`
      )
    }
  }
  return 0
}

process.exitCode = main()
