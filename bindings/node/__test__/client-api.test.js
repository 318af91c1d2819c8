// The client's API against the mock provider over real sockets: a healthy call through each
// of the four wire formats in each of the three forms (for await, streamEach, complete), the
// exact shape of events, summaries and attempts, the async-iterator protocol, and a process
// that exits by itself once its calls are finished or abandoned.
'use strict'

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')
const { test, before, after } = require('node:test')

const h = require('./client-helpers')
const { genie, CANONICAL, ask, run } = h

let mock
before(async () => {
  mock = await h.startMock()
})
after(async () => {
  await mock.stop()
})

const KINDS = [
  { model: 'g', provider: 'gemini', raw: 'STOP' },
  { model: 'o', provider: 'openai', raw: 'stop' },
  { model: 'r', provider: 'responses', raw: 'completed' },
  { model: 'a', provider: 'anthropic', raw: 'end_turn' },
]

function clientFor(models, extra) {
  return new genie.Client(h.config(mock, models, extra))
}

const EVENT_KEYS = {
  started: ['type', 'model', 'provider', 'attempt', 'mode'],
  text: ['type', 'text'],
  reset: ['type', 'reason', 'model'],
  notice: ['type', 'kind', 'message', 'model', 'delayMs'],
  usage: ['type', 'usage'],
  done: ['type', 'summary'],
}
const USAGE_KEYS = ['inputTokens', 'outputTokens', 'totalTokens', 'cachedTokens', 'reasoningTokens']
const SUMMARY_KEYS = [
  'model',
  'provider',
  'text',
  'usage',
  'finishReason',
  'rawFinishReason',
  'complete',
  'ttfbMs',
  'ttftMs',
  'totalMs',
  'outputTokensPerS',
  'attempts',
  'malformedEvents',
]
const ATTEMPT_KEYS = ['model', 'provider', 'mode', 'outcome', 'httpStatus', 'errorCode', 'durationMs', 'waitedMs']

/** Asserts a healthy summary of `kind`'s model, answered by its first attempt. */
function assertHealthySummary(summary, kind, id) {
  assert.deepEqual(Object.keys(summary), SUMMARY_KEYS)
  assert.equal(summary.model, kind.model)
  assert.equal(summary.provider, kind.provider)
  assert.equal(summary.text, CANONICAL)
  assert.equal(summary.complete, true)
  assert.equal(summary.finishReason, 'stop')
  assert.equal(summary.rawFinishReason, kind.raw, `raw finish reason of ${id}`)
  assert.deepEqual(Object.keys(summary.usage), USAGE_KEYS)
  assert.equal(summary.usage.outputTokens, 39)
  assert.ok(summary.usage.inputTokens >= 1)
  for (const ms of [summary.ttfbMs, summary.ttftMs, summary.totalMs]) {
    assert.ok(typeof ms === 'number' && ms >= 0 && ms < 5000, `a time of ${ms} ms`)
  }
  assert.ok(summary.ttfbMs <= summary.totalMs)
  assert.ok(summary.outputTokensPerS === null || summary.outputTokensPerS > 0)
  assert.equal(summary.malformedEvents, 0)
  assert.equal(summary.attempts.length, 1)
  const [attempt] = summary.attempts
  assert.deepEqual(Object.keys(attempt), ATTEMPT_KEYS)
  assert.equal(attempt.model, kind.model)
  assert.equal(attempt.provider, kind.provider)
  assert.equal(attempt.outcome, 'ok')
  assert.equal(attempt.httpStatus, 200)
  assert.equal(attempt.errorCode, null)
  assert.equal(attempt.waitedMs, 0)
  assert.ok(attempt.durationMs >= 0)
}

for (const kind of KINDS) {
  test(`${kind.provider}: for await streams the canonical answer, event by event`, async () => {
    const id = `api-stream-${kind.provider}`
    const client = clientFor({ [kind.model]: [kind.provider, id] })
    const result = await run(client, ask(kind.model))
    h.assertCanonical(result)
    const { events } = result
    for (const event of events) assert.deepEqual(Object.keys(event), EVENT_KEYS[event.type], event.type)
    assert.deepEqual(events[0], { type: 'started', model: kind.model, provider: kind.provider, attempt: 1, mode: 'stream' })
    const types = events.map((e) => e.type)
    assert.deepEqual(types.slice(-2), ['usage', 'done'])
    assert.ok(types.slice(1, -2).every((t) => t === 'text'), types.join(' '))
    assert.deepEqual(events.at(-2).usage, events.at(-1).summary.usage)
    assertHealthySummary(result.summary, kind, id)
    const log = await mock.log(id)
    assert.equal(log.length, 1)
    assert.equal(log[0].stream, true)
    assert.equal(log[0].api_key, true, 'the key from api_key_env was sent')
  })

  test(`${kind.provider}: complete() resolves with the same summary`, async () => {
    const id = `api-complete-${kind.provider}`
    const client = clientFor({ [kind.model]: [kind.provider, id] })
    const summary = await client.complete(ask(kind.model))
    assertHealthySummary(summary, kind, id)
    assert.equal(await mock.attempts(id), 1)
  })

  test(`${kind.provider}: streamEach hands every event to the callback, then resolves`, async () => {
    const id = `api-each-${kind.provider}`
    const client = clientFor({ [kind.model]: [kind.provider, id] })
    const events = []
    const summary = await client.streamEach(ask(kind.model), (event) => {
      events.push(event)
    })
    assertHealthySummary(summary, kind, id)
    assert.equal(events.at(-1).type, 'done')
    assert.deepEqual(events.at(-1).summary, summary)
    assert.equal(events.filter((e) => e.type === 'text').map((e) => e.text).join(''), CANONICAL)
  })
}

test('a request with a system prompt, parts, stop sequences and extra fields is sent', async () => {
  const client = clientFor({ o: ['openai', 'api-rich'] })
  const summary = await client.complete({
    model: 'o',
    system: 'You are terse.',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://example.com/cat.png' }] },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'Sure?' },
    ],
    max_output_tokens: 64,
    temperature: 0.2,
    stop: ['\n\n'],
    extra: { openai: { user: 'u-1' } },
  })
  assert.equal(summary.text, CANONICAL)
})

test('the iterator follows the async iterator protocol', async () => {
  const client = clientFor({ o: ['openai', 'api-protocol'] })
  const stream = client.stream(ask('o'))
  assert.ok(stream instanceof genie.CallStream)
  assert.equal(stream[Symbol.asyncIterator](), stream)
  // Nothing is sent before the first next().
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(await mock.attempts('api-protocol'), 0)
  // next() calls made without waiting are answered in order.
  const pending = Array.from({ length: 20 }, () => stream.next())
  const results = await Promise.all(pending)
  const types = results.filter((r) => !r.done).map((r) => r.value.type)
  assert.equal(types[0], 'started')
  assert.deepEqual(types.slice(-2), ['usage', 'done'])
  const ended = results.filter((r) => r.done)
  assert.ok(ended.length > 0)
  for (const r of ended) assert.deepEqual(r, { value: undefined, done: true })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  assert.deepEqual(await stream.return(), { value: undefined, done: true })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
})

/** What `next` has settled with, or PENDING if it has not settled yet. */
const PENDING = Symbol('pending')
function settledValue(promise) {
  // Both settle in the same turn only if `promise` already has: it is listed first.
  return Promise.race([promise, Promise.resolve(PENDING)])
}

test('the iterator reads ahead: events that arrived meanwhile are there at once', async () => {
  const client = clientFor({ o: ['openai', 'api-read-ahead@delay_ms=5'] })
  const stream = client.stream(ask('o'))
  assert.equal((await stream.next()).value.type, 'started')
  // The answer arrives meanwhile, one delta per network read.
  await new Promise((resolve) => setTimeout(resolve, 300))
  const events = []
  for (;;) {
    const result = await settledValue(stream.next())
    assert.notEqual(result, PENDING, `next() after ${events.length} events had to wait`)
    if (result.done) break
    events.push(result.value)
  }
  assert.equal(events.map((e) => (e.type === 'text' ? e.text : '')).join(''), CANONICAL)
  assert.equal(events.at(-1).type, 'done')
  assert.equal(events.at(-1).summary.complete, true)
})

test('a slow consumer gets a long answer whole and in order', async () => {
  // 300 deltas a millisecond apart: the call reads ahead until its room (64 events) is full,
  // then waits for the consumer to take some, and goes on.
  const count = 300
  const server = await h.serveDeltas(count)
  const client = new genie.Client({
    providers: { openai: { kind: 'openai', base_url: server.baseUrl } },
    models: { o: { provider: 'openai' } },
  })
  const stream = client.stream(ask('o'))
  assert.equal((await stream.next()).value.type, 'started')
  await new Promise((resolve) => setTimeout(resolve, 500))
  const texts = []
  let last = null
  for await (const event of stream) {
    if (event.type === 'text') texts.push(event.text)
    last = event
  }
  server.close()
  assert.equal(texts.join(''), Array.from({ length: count }, (_, i) => `w${i} `).join(''))
  assert.equal(last.type, 'done')
  assert.equal(last.summary.complete, true)
})

test('return() before the first next() sends nothing', async () => {
  const client = clientFor({ o: ['openai', 'api-return-early'] })
  const stream = client.stream(ask('o'))
  assert.deepEqual(await stream.return(), { value: undefined, done: true })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  assert.equal(await mock.attempts('api-return-early'), 0)
})

test('one client serves calls one after another and at once', async () => {
  const client = clientFor({ o: ['openai', 'api-shared'], a: ['anthropic', 'api-shared-a'] })
  for (let i = 0; i < 5; i++) h.assertCanonical(await run(client, ask(i % 2 ? 'o' : 'a')))
  const all = await Promise.all([run(client, ask('o')), client.complete(ask('a')), run(client, ask('a'))])
  h.assertCanonical(all[0])
  assert.equal(all[1].text, CANONICAL)
  h.assertCanonical(all[2])
})

test('streamEach waits for the promise onEvent returns before the next event', async () => {
  const client = clientFor({ o: ['openai', 'api-async-each'] })
  const seen = []
  let busy = false
  const summary = await client.streamEach(ask('o'), async (event) => {
    assert.equal(busy, false, 'an event arrived while the previous one was still handled')
    busy = true
    await new Promise((resolve) => setTimeout(resolve, 5))
    seen.push(event.type)
    busy = false
  })
  assert.equal(summary.text, CANONICAL)
  assert.deepEqual(seen.slice(-2), ['usage', 'done'])
})

test('a throwing onEvent cancels the call and rejects with what it threw', async () => {
  const client = clientFor({ o: ['openai', 'api-throw-each@delay_ms=30'] })
  const boom = new Error('boom')
  let calls = 0
  await assert.rejects(
    client.streamEach(ask('o'), (event) => {
      calls++
      if (event.type === 'text') throw boom
    }),
    (err) => err === boom,
  )
  assert.equal(calls, 2, 'started, then the first text')
  const rejectedWith = 'a string'
  await assert.rejects(
    client.streamEach(ask('o'), async () => {
      throw rejectedWith
    }),
    (err) => err === rejectedWith,
  )
})

test('errors and results carry no API key, and the key reaches the provider', async () => {
  const client = clientFor({ o: ['openai', 'api-key'], bad: ['openai', 'api-key-bad@status=401'] })
  const ok = await run(client, ask('o'))
  h.assertNoSecret(ok)
  const bad = await run(client, ask('bad'))
  h.assertGenieError(bad.error, 'UPSTREAM_HTTP')
  assert.equal(bad.error.httpStatus, 401)
  h.assertNoSecret(bad)
  assert.ok(!String(bad.error.stack).includes(h.SECRET))
  assert.equal((await mock.log('api-key'))[0].api_key, true)
})

/** Runs `body` in a fresh `node -e` process against the mock; resolves with its exit. */
function runNode(body, timeoutMs = 10000) {
  const script = `
    const genie = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    process.env[${JSON.stringify(h.KEY_ENV)}] = 'k'
    const config = ${JSON.stringify(
      h.config(mock, { o: ['openai', 'exit-ok'], hang: ['openai', 'exit-hang@stall_after=3'] }, { timeouts: { stall_gap_ms: 30000, total_ms: 60000 } }),
    )}
    const client = new genie.Client(config)
    const ask = (model) => ({ model, messages: [{ role: 'user', content: 'Hi' }] })
    ;(async () => { ${body} })().catch((err) => { console.error(err); process.exitCode = 3 })
  `
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, ms: performance.now() - started })
    })
  })
}

const EXITS = {
  'a finished for await': `for await (const e of client.stream(ask('o'))) {}`,
  'a break out of for await mid-answer': `for await (const e of client.stream(ask('hang'))) { if (e.type === 'text') break }`,
  'an abandoned iterator (no return())': `const it = client.stream(ask('hang')); await it.next(); await it.next()`,
  'an aborted signal mid-answer': `
    const ac = new AbortController()
    try { for await (const e of client.stream(ask('hang'), { signal: ac.signal })) if (e.type === 'text') ac.abort() }
    catch (err) { if (err.code !== 'CANCELLED') throw err }`,
  'complete() and streamEach()': `await client.complete(ask('o')); await client.streamEach(ask('o'), () => {})`,
  'an aborted complete()': `
    const ac = new AbortController(); setTimeout(() => ac.abort(), 50)
    await client.complete(ask('hang'), { signal: ac.signal }).catch((err) => { if (err.code !== 'CANCELLED') throw err })`,
}

for (const [name, body] of Object.entries(EXITS)) {
  test(`the process exits by itself after ${name}`, async () => {
    const exit = await runNode(body)
    assert.equal(exit.signal, null, `killed: the process did not exit by itself\n${exit.output}`)
    assert.equal(exit.code, 0, exit.output)
  })
}
