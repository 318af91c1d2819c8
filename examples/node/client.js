// Streams an answer through a route whose primary model stalls mid-answer, showing what genie's
// client does about it: reconnect once, ask without streaming, then fail over.
//
//     cargo build --release -p genie-mock-provider     # the fault-injecting mock provider
//     node examples/node/client.js [--each]
//
// No API key and no network: the script starts the mock provider ($GENIE_MOCK_PROVIDER, else
// target/release/genie-mock-provider), tells it that gemini-2.5-pro goes silent after three
// deltas, and asks gemini-2.5-pro with gemini-2.5-flash as its fallback. It prints each event as
// it arrives (text, the `reset` that discards a stalled partial answer, the user-facing notices),
// then the summary: which model answered, whether the answer is complete, the timings and every
// attempt. `--each` does the same with the callback form, `client.streamEach`. The Python
// example (examples/python/client.py) is the same program.
'use strict'

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')

const { Client } = require('../../bindings/node')

const ROOT = path.resolve(__dirname, '..', '..')

function startMock() {
  const binary = process.env.GENIE_MOCK_PROVIDER || path.join(ROOT, 'target', 'release', 'genie-mock-provider')
  if (!fs.existsSync(binary)) {
    console.error(`${binary} not found: run \`cargo build --release -p genie-mock-provider\``)
    process.exit(2)
  }
  // Every attempt at the pro model stalls after the third delta (and a plain request stalls
  // halfway through its body); closing stdin stops the mock.
  const child = spawn(binary, ['--exit-on-stdin-eof', '--fault', 'gemini-2.5-pro=stall_after=3'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const port = new Promise((resolve, reject) => {
    child.once('error', reject)
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(line.replace(/^PORT=/, '')))
  })
  return { child, port }
}

function config(baseUrl) {
  return {
    providers: { gemini: { kind: 'gemini', base_url: baseUrl } },
    models: {
      'gemini-2.5-pro': { provider: 'gemini', context_window: 1048576 },
      'gemini-2.5-flash': { provider: 'gemini', context_window: 1048576 },
    },
    fallbacks: { 'gemini-2.5-pro': ['gemini-2.5-flash'] },
    // The runbook's 10 s stall gap, scaled down so the demo takes a second or two.
    timeouts: { stall_gap_ms: 400, non_stream_ms: 800, total_ms: 10000 },
  }
}

const REQUEST = {
  model: 'gemini-2.5-pro',
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Why do resilient clients matter?' }],
  max_output_tokens: 256,
}

function show(event) {
  switch (event.type) {
    case 'started':
      console.log(`\n[attempt ${event.attempt}: ${event.model} via ${event.provider}, ${event.mode}]`)
      break
    case 'text':
      process.stdout.write(event.text)
      break
    case 'reset':
      console.log(`\n[reset: discard the text above — ${event.reason}]`)
      break
    case 'notice': {
      const delay = event.delayMs === null ? '' : ` in ${event.delayMs} ms`
      console.log(`\n[notice ${event.kind}${delay}: ${event.message}]`)
      break
    }
    case 'usage':
      console.log(`\n[usage: ${event.usage.inputTokens} in, ${event.usage.outputTokens} out]`)
      break
  }
}

function report(summary) {
  console.log(
    `\nanswered by ${summary.model} (${summary.provider}), complete=${summary.complete}, finish=${summary.finishReason}`,
  )
  const ttft = summary.ttftMs === null ? '-' : summary.ttftMs.toFixed(0)
  console.log(`first byte ${summary.ttfbMs.toFixed(0)} ms, first kept token ${ttft} ms, total ${summary.totalMs.toFixed(0)} ms`)
  console.log('attempts:')
  for (const a of summary.attempts) {
    console.log(
      `  ${a.model.padEnd(18)} ${a.mode.padEnd(10)} ${a.outcome.padEnd(20)} http=${a.httpStatus} ${a.durationMs} ms (waited ${a.waitedMs} ms)`,
    )
  }
}

async function streamLoop(client) {
  for await (const event of client.stream(REQUEST)) {
    show(event)
    if (event.type === 'done') return event.summary
  }
  throw new Error('the stream ended without done')
}

async function main() {
  const mock = startMock()
  try {
    const client = new Client(config(`http://127.0.0.1:${await mock.port}`))
    const summary = process.argv.includes('--each')
      ? await client.streamEach(REQUEST, show)
      : await streamLoop(client)
    report(summary)
    if (!summary.complete) throw new Error('a summary is always complete')
  } catch (err) {
    console.error(`\nthe call failed: ${err.code ?? ''} ${err.message}`)
    for (const a of err.attempts ?? []) console.error(`  ${a.model} ${a.mode} ${a.outcome}`)
    process.exitCode = 1
  } finally {
    mock.child.stdin.end()
  }
}

main()
