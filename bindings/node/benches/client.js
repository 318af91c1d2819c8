// The cost of a whole streamed answer through the addon, as a Node server sees it: one call
// after another on one pooled connection to the mock provider (OpenAI wire format, its
// ten-delta canonical answer), consumed with `for await`, with `streamEach`, and with
// `complete()` (no events surface to JS: the rest is the Rust client and the hops to JS).
//
//     cargo build --release -p genie-mock-provider
//     npm run build && node benches/client.js [--calls N] [--rounds R]
//
// Prints microseconds per answer, the best of R rounds of N calls each, the forms alternating
// in every round so machine noise hits them alike.
'use strict'

const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')

const genie = require('..')

const ROOT = path.resolve(__dirname, '..', '..', '..')

function parseArgs(argv) {
  const options = { calls: 2000, rounds: 5 }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--calls') options.calls = Number(argv[++i])
    else if (argv[i] === '--rounds') options.rounds = Number(argv[++i])
    else throw new Error(`unknown argument ${argv[i]}; expected --calls N or --rounds R`)
  }
  return options
}

async function startMock() {
  const binary = process.env.GENIE_MOCK_PROVIDER ?? path.join(ROOT, 'target', 'release', 'genie-mock-provider')
  const child = spawn(binary, ['--exit-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve))
  return { baseUrl: `http://127.0.0.1:${line.replace('PORT=', '')}`, stop: () => child.stdin.end() }
}

/** Runs `answer` `calls` times; returns microseconds per call. */
async function timed(answer, calls) {
  const started = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) await answer()
  return Number(process.hrtime.bigint() - started) / calls / 1000
}

async function main() {
  const { calls, rounds } = parseArgs(process.argv.slice(2))
  const mock = await startMock()
  const client = new genie.Client({
    providers: { openai: { kind: 'openai', base_url: mock.baseUrl } },
    models: { stream: { provider: 'openai' } },
  })
  const request = { model: 'stream', messages: [{ role: 'user', content: 'Say the canonical answer.' }] }
  const forms = {
    'for await': async () => {
      let text = ''
      for await (const event of client.stream(request)) if (event.type === 'text') text += event.text
      if (text.length === 0) throw new Error('for await: no text')
    },
    streamEach: async () => {
      let text = ''
      await client.streamEach(request, (event) => {
        if (event.type === 'text') text += event.text
      })
      if (text.length === 0) throw new Error('streamEach: no text')
    },
    'complete()': async () => {
      const summary = await client.complete(request)
      if (summary.text.length === 0) throw new Error('complete: no text')
    },
  }
  const best = Object.fromEntries(Object.keys(forms).map((name) => [name, Infinity]))
  for (const answer of Object.values(forms)) await timed(answer, 200)
  for (let round = 0; round < rounds; round++) {
    for (const [name, answer] of Object.entries(forms)) best[name] = Math.min(best[name], await timed(answer, calls))
  }
  mock.stop()
  console.log(`genie-core ${genie.version()}, Node ${process.version}; ${calls} calls x ${rounds} rounds (best)`)
  for (const [name, us] of Object.entries(best)) console.log(`${name.padEnd(12)} ${us.toFixed(1).padStart(8)} us/answer`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
