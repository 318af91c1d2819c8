// Shared by the client tests: the mock provider binary (tests/mock-provider, built by ci.sh)
// started per test file, a client config pointing the four provider kinds at it with
// millisecond-scale timeouts, running a call to its end while checking the invariants every
// call keeps, and the connections this process holds open to the mock (from /proc), to prove
// a cancelled call really closed its HTTP request.
'use strict'

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const readline = require('node:readline')
const { after } = require('node:test')

const genie = require('..')

const ROOT = path.resolve(__dirname, '..', '..', '..')

/** The API key every test provider reads; it must never appear in an error or an event. */
const KEY_ENV = 'GENIE_NODE_TEST_API_KEY'
const SECRET = 'sk-genie-node-test-SECRET-7f3a9c2e5b1d'
process.env[KEY_ENV] = SECRET

/** The mock's canonical answer (tests/mock-provider/README.md). */
const DELTAS = [
  'Genie streams this ',
  'canonical answer so every ',
  'test can compare it ',
  'exactly: naïve café ',
  'résumé, 東京 and ',
  'Zürich, emoji 🚀 ',
  'included. Resilient clients ',
  'reconnect once, fall back ',
  'to a non-stream call and ',
  'never report a truncated answer as complete.',
]
const CANONICAL = DELTAS.join('')

/** Test timeouts: small for a fast suite, apart enough to tell which one fired. */
const FIRST_BYTE_MS = 500
const FIRST_TOKEN_MS = 1500
const STALL_MS = 300
const TOTAL_MS = 8000

function mockBinary() {
  const candidates = [
    process.env.GENIE_MOCK_PROVIDER,
    path.join(ROOT, 'target', 'release', 'genie-mock-provider'),
    path.join(ROOT, 'target', 'debug', 'genie-mock-provider'),
  ].filter(Boolean)
  const found = candidates.find((file) => fs.existsSync(file))
  assert.ok(
    found,
    `the mock provider binary is missing: run \`cargo build --release -p genie-mock-provider\` (looked at ${candidates.join(', ')})`,
  )
  return found
}

/**
 * Starts the mock provider on a free port. It exits when this process does (its stdin is a
 * pipe from us). Returns { port, baseUrl, attempts(model), log(model), reset(), stop() }.
 */
/** Mock processes not stopped yet: a test that fails before `stop()` must not keep node alive. */
const running = new Set()
after(() => {
  for (const child of running) child.kill()
})

async function startMock() {
  const child = spawn(mockBinary(), ['--exit-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout })
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the mock provider exited (${code})`)))
    lines.once('line', (line) => {
      const match = /^PORT=(\d+)$/.exec(line)
      if (match) resolve(Number(match[1]))
      else reject(new Error(`unexpected first line from the mock provider: ${line}`))
    })
  })
  child.removeAllListeners('exit')
  running.add(child)
  child.once('exit', () => running.delete(child))
  const control = (method, route, body) => request(port, method, route, body)
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    async attempts(model) {
      return (await control('GET', `/_mock/attempts?model=${encodeURIComponent(model)}`)).attempts
    },
    async log(model) {
      return (await control('GET', `/_mock/attempts?model=${encodeURIComponent(model)}`)).log
    },
    async reset() {
      await control('POST', '/_mock/reset')
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin.end()
      await exited
    },
  }
}

/** One JSON request to the mock's control endpoints, on its own connection. */
function request(port, method, route, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: route, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (piece) => (text += piece))
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${method} ${route}: ${res.statusCode} ${text}`))
          else resolve(JSON.parse(text))
        })
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

/**
 * A config for the mock: the four provider kinds (named gemini, openai, responses, anthropic),
 * `models` as { name: [provider, modelId] } (the id may carry a fault script after `@`), and
 * `extra` sections merged over the test defaults.
 */
function config(mock, models, extra = {}) {
  const provider = (kind) => ({ kind, base_url: mock.baseUrl, api_key_env: KEY_ENV })
  const doc = {
    providers: {
      gemini: provider('gemini'),
      openai: provider('openai'),
      responses: provider('openai-responses'),
      anthropic: provider('anthropic'),
    },
    models: Object.fromEntries(
      Object.entries(models).map(([name, [provider, id]]) => [name, { provider, id: id ?? name }]),
    ),
    timeouts: {
      connect_ms: 1000,
      first_byte_ms: FIRST_BYTE_MS,
      first_token_ms: FIRST_TOKEN_MS,
      stall_gap_ms: STALL_MS,
      non_stream_ms: 3000,
      total_ms: TOTAL_MS,
    },
    retry: { max_attempts: 3, base_ms: 50, cap_ms: 200 },
  }
  for (const [key, value] of Object.entries(extra)) {
    doc[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...doc[key], ...value } : value
  }
  return doc
}

/**
 * Serves OpenAI-style streaming requests on a new port: `count` one-word deltas (`w0 `, `w1 `,
 * ...), a millisecond apart so each is its own network read, then the finish and `[DONE]`.
 * Resolves with { baseUrl, close }.
 */
async function serveDeltas(count) {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      for (let i = 0; i < count; i++) {
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: `w${i} ` } }] })}\n\n`)
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      const finish = { choices: [{ delta: {}, finish_reason: 'stop' }] }
      res.end(`data: ${JSON.stringify(finish)}\n\ndata: [DONE]\n\n`)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    close: () => server.close(),
  }
}

/** A one-message request. */
function ask(model, text = 'Hi', more = {}) {
  return { model, messages: [{ role: 'user', content: text }], ...more }
}

/**
 * Runs one call with `for await`, collecting its events; checks the invariants every call keeps
 * (a reset precedes replacement text, the summary's text is what was shown, `done` is last,
 * complete and preceded by `usage`, an error carries its attempts, no API key anywhere).
 * Returns { events, summary, error, ms }.
 */
async function run(client, req, options) {
  const started = performance.now()
  const events = []
  let error = null
  try {
    for await (const event of client.stream(req, options)) events.push(event)
  } catch (err) {
    error = err
  }
  const ms = performance.now() - started
  const done = events.find((e) => e.type === 'done')
  const result = { events, summary: done ? done.summary : null, error, ms }
  checkInvariants(result)
  return result
}

function checkInvariants({ events, summary, error }) {
  let shown = ''
  let resetPending = false
  events.forEach((event, i) => {
    assert.ok(i === events.length - 1 || event.type !== 'done', 'an event after done')
    switch (event.type) {
      case 'text':
        assert.ok(event.text.length > 0, 'an empty text event')
        shown += event.text
        resetPending = false
        break
      case 'reset':
        assert.ok(shown.length > 0, 'a reset with nothing shown')
        assert.ok(event.reason.length > 0, 'a reset without a reason')
        shown = ''
        resetPending = true
        break
      case 'notice':
        assert.ok(event.message.length > 0, 'a notice without a message')
        break
      case 'done':
        assert.equal(event.summary.complete, true, 'a done that is not complete')
        assert.ok(!resetPending, 'a reset not followed by replacement text')
        assert.equal(event.summary.text, shown, "the summary's text is not what was shown")
        assert.equal(events[i - 1]?.type, 'usage', 'done not preceded by usage')
        break
    }
  })
  if (summary) {
    assert.equal(error, null)
    assert.equal(summary.attempts.at(-1).outcome, 'ok')
    assert.ok(summary.attempts.slice(0, -1).every((a) => a.outcome !== 'ok'))
    assert.ok(summary.totalMs >= summary.ttfbMs)
  } else {
    assert.ok(error instanceof Error, `the call neither finished nor failed: ${JSON.stringify(events)}`)
    assert.ok(Array.isArray(error.attempts), `a call error without attempts: ${error.code} ${error.message}`)
  }
  assertNoSecret({ events, error })
}

/** Asserts the test API key appears nowhere in `value` (events, errors, summaries). */
function assertNoSecret(value) {
  const seen = new WeakSet()
  const text = JSON.stringify(value, (key, v) => {
    if (v instanceof Error) {
      if (seen.has(v)) return undefined
      seen.add(v)
      return { message: v.message, stack: v.stack, ...v }
    }
    return v
  })
  assert.ok(!text.includes(SECRET), 'the API key leaked')
  assert.ok(!text.includes(SECRET.slice(-12)), 'part of the API key leaked')
}

/** The outcomes of a call's attempts as `model:mode:outcome`. */
function outcomes(result) {
  const attempts = result.summary ? result.summary.attempts : result.error.attempts
  return attempts.map((a) => `${a.model}:${a.mode}:${a.outcome}`)
}

/** Asserts a call answered completely with the canonical text. */
function assertCanonical(result) {
  assert.equal(result.error, null, result.error && `${result.error.code}: ${result.error.message}`)
  assert.equal(result.summary.text, CANONICAL)
  assert.equal(result.summary.complete, true)
}

/** Asserts `ms` is within [lo, hi]. */
function assertMs(ms, lo, hi, what = 'the call') {
  assert.ok(ms >= lo && ms <= hi, `${what} took ${ms.toFixed(0)} ms, expected ${lo}..${hi} ms`)
}

/** A healthy request on a fresh model served by `provider` after a fault: one attempt. */
async function assertHealthyAfter(client, model) {
  const result = await run(client, ask(model, 'Are you well?'))
  assertCanonical(result)
  assert.equal(result.summary.attempts.length, 1, outcomes(result).join(', '))
}

/**
 * The TCP connections this machine has open to `port` (the client's side), from /proc: an
 * aborted call must leave none in ESTABLISHED. `null` where /proc is not available.
 */
function establishedTo(port) {
  const files = ['/proc/net/tcp', '/proc/net/tcp6']
  if (!files.some((f) => fs.existsSync(f))) return null
  let count = 0
  for (const file of files) {
    if (!fs.existsSync(file)) continue
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 4) continue
      const remotePort = parseInt(fields[2].split(':')[1], 16)
      if (remotePort === port && fields[3] === '01') count++
    }
  }
  return count
}

/** Waits until `check()` is true, polling every 10 ms, for at most `ms`; returns the time taken. */
async function waitFor(check, ms, what) {
  const started = performance.now()
  while (!(await check())) {
    if (performance.now() - started > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return performance.now() - started
}

const STATUS = new Map(genie.errorTable().map((row) => [row.code, row.status]))

/** Asserts `err` is a genie error with `code` (and the table's status), matching `message`. */
function assertGenieError(err, code, message) {
  assert.ok(err instanceof Error, `an Error, got ${err}`)
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.equal(err.status, STATUS.get(code))
  if (message) assert.match(err.message, message)
}

module.exports = {
  genie,
  ROOT,
  KEY_ENV,
  SECRET,
  DELTAS,
  CANONICAL,
  FIRST_BYTE_MS,
  FIRST_TOKEN_MS,
  STALL_MS,
  TOTAL_MS,
  startMock,
  serveDeltas,
  config,
  ask,
  run,
  checkInvariants,
  assertNoSecret,
  outcomes,
  assertCanonical,
  assertMs,
  assertHealthyAfter,
  establishedTo,
  waitFor,
  assertGenieError,
}
