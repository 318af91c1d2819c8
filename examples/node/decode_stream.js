#!/usr/bin/env node
// Decodes a recorded provider stream the way a server reads one off the network: in 2 KiB
// chunks. Prints the answer's text, its usage, and whether it is complete or truncated.
//
//     node examples/node/decode_stream.js [PROVIDER FILE]
//     node examples/node/decode_stream.js anthropic tests/fixtures/providers/anthropic-interrupted.sse
//
// Needs the addon built (bindings/node/ci.sh, or `npm run build` in bindings/node). An app
// that installed the package writes require('genie-core') instead of the path below. An
// incomplete stream is reported, not an error: the exit status is non-zero only when the
// arguments or the file are unusable.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const { StreamDecoder } = require('../../bindings/node')

const ROOT = path.resolve(__dirname, '..', '..')
const DEFAULT_PROVIDER = 'openai'
const DEFAULT_FILE = path.join(ROOT, 'tests', 'fixtures', 'providers', 'openai-complete.sse')
const CHUNK = 2048

function count(n) {
  return n === null ? '-' : String(n)
}

function run(provider, file) {
  const decoder = new StreamDecoder(provider)
  const data = fs.readFileSync(file)
  const skipped = []
  for (let start = 0; start < data.length; start += CHUNK) {
    let events
    try {
      events = decoder.feed(data.subarray(start, start + CHUNK))
    } catch (err) {
      if (err.code !== 'LIMIT_EXCEEDED') throw err
      console.error(`warning: ${err.message}`)
      events = err.events // nothing else in the chunk is lost
    }
    for (const ev of events) if (ev.type === 'malformed') skipped.push(ev.message)
  }
  const summary = decoder.finish()
  const { usage } = summary
  console.log(`provider:  ${summary.provider}`)
  console.log(`text:      ${summary.text}`)
  console.log(
    `usage:     input ${count(usage.inputTokens)} · output ${count(usage.outputTokens)} · ` +
      `total ${count(usage.totalTokens)} · cached ${count(usage.cachedTokens)} · ` +
      `reasoning ${count(usage.reasoningTokens)}`
  )
  const finish = summary.finishReason
    ? `${summary.finishReason} (${summary.rawFinishReason})`
    : 'none'
  console.log(`finish:    ${finish}`)
  if (summary.error !== null) {
    console.log(`error:     ${summary.error.kind} — ${summary.error.message}`)
  }
  const complete = summary.complete
    ? 'yes'
    : "NO — the stream ended before the provider's end marker; the answer may be truncated"
  console.log(`complete:  ${complete}`)
  console.log(
    `skipped:   ${summary.malformedEvents} malformed event(s); ${summary.keepalives} keep-alive(s)`
  )
  for (const message of skipped) console.log(`           ${message}`)
}

function main(argv) {
  let provider = DEFAULT_PROVIDER
  let file = DEFAULT_FILE
  if (argv.length === 2) {
    ;[provider, file] = argv
  } else if (argv.length !== 0) {
    console.error('usage: decode_stream.js [PROVIDER FILE]')
    return 2
  }
  try {
    run(provider, file)
  } catch (err) {
    // A genie error carries .code and .status (INVALID_ARGUMENT for an unknown provider);
    // Node's file errors already name their code in the message.
    const code = typeof err.status === 'number' ? `${err.code}: ` : ''
    console.error(`decode_stream: ${code}${err.message}`)
    return 1
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
