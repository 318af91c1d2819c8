// Cancelling calls: an AbortSignal aborted before the call or during it (streaming, waiting for
// the first byte, backing off), `break` out of `for await`, an iterator abandoned to the
// garbage collector, and a worker thread terminated mid-call. Each must end the call promptly
// and close its HTTP connection — checked against the connections this machine holds open to
// a mock started for the test alone, and against the attempts the mock saw.
'use strict'

const assert = require('node:assert/strict')
const { getEventListeners } = require('node:events')
const path = require('node:path')
const { test } = require('node:test')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Worker } = require('node:worker_threads')

const h = require('./client-helpers')
const { genie, ask, run } = h

const LINUX = h.establishedTo(1) !== null

/** A mock and a client for this test alone; `p` hangs after three deltas, forever. */
async function setup(models = {}) {
  const mock = await h.startMock()
  const client = new genie.Client(
    h.config(
      mock,
      { p: ['openai', 'hang@stall_after=3'], healthy: ['anthropic', 'cancel-healthy'], ...models },
      { timeouts: { first_byte_ms: 10000, first_token_ms: 10000, stall_gap_ms: 10000, total_ms: 20000 } },
    ),
  )
  return { mock, client }
}

/** Waits for every connection to the mock to close; returns how long it took. */
async function closed(mock) {
  if (!LINUX) return 0
  return h.waitFor(() => h.establishedTo(mock.port) === 0, 1000, 'the HTTP connection to close')
}

/** Asserts no further attempt reaches `id` over the next 300 ms. */
async function noMoreAttempts(mock, id, expected) {
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.equal(await mock.attempts(id), expected)
}

test('a signal aborted before the call: nothing is sent, every form rejects CANCELLED', async () => {
  const { mock, client } = await setup({ o: ['openai', 'pre-aborted'] })
  const signal = AbortSignal.abort()
  const stream = client.stream(ask('o'), { signal })
  await assert.rejects(stream.next(), (err) => {
    h.assertGenieError(err, 'CANCELLED')
    assert.deepEqual(err.attempts, [])
    assert.equal(err.httpStatus, null)
    return true
  })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  await assert.rejects(client.complete(ask('o'), { signal }), (err) => err.code === 'CANCELLED')
  let called = false
  await assert.rejects(
    client.streamEach(ask('o'), () => (called = true), { signal }),
    (err) => err.code === 'CANCELLED',
  )
  assert.equal(called, false)
  assert.equal(await mock.attempts('pre-aborted'), 0)
  await mock.stop()
})

test('abort mid-stream: the loop throws CANCELLED at once and the connection closes', async () => {
  const { mock, client } = await setup()
  const controller = new AbortController()
  const types = []
  let abortedAt = 0
  let connectedDuring = null
  const error = await (async () => {
    try {
      for await (const event of client.stream(ask('p'), { signal: controller.signal })) {
        types.push(event.type)
        if (types.filter((t) => t === 'text').length === 3) {
          connectedDuring = h.establishedTo(mock.port)
          abortedAt = performance.now()
          controller.abort()
        }
      }
    } catch (err) {
      return err
    }
    return null
  })()
  const rejectedAfter = performance.now() - abortedAt
  h.assertGenieError(error, 'CANCELLED', /AbortSignal/)
  assert.deepEqual(error.attempts, [])
  h.assertMs(rejectedAfter, 0, 100, 'the rejection')
  if (LINUX) assert.equal(connectedDuring, 1)
  h.assertMs(await closed(mock), 0, 200, 'closing the connection')
  await noMoreAttempts(mock, 'hang@stall_after=3', 1)
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
  await h.assertHealthyAfter(client, 'healthy')
  await mock.stop()
})

test('abort after the answer was read ahead: next() rejects CANCELLED, not a waiting event', async () => {
  const { mock, client } = await setup({ o: ['openai', 'cancel-read-ahead@delay_ms=5'] })
  const controller = new AbortController()
  const stream = client.stream(ask('o'), { signal: controller.signal })
  assert.equal((await stream.next()).value.type, 'started')
  await new Promise((resolve) => setTimeout(resolve, 300)) // the rest arrives meanwhile
  controller.abort()
  await assert.rejects(stream.next(), (err) => {
    h.assertGenieError(err, 'CANCELLED', /AbortSignal/)
    return true
  })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  await mock.stop()
})

test('return() after the answer was read ahead: the iterator is done', async () => {
  const { mock, client } = await setup({ o: ['openai', 'cancel-return-ahead@delay_ms=5'] })
  const stream = client.stream(ask('o'))
  assert.equal((await stream.next()).value.type, 'started')
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.deepEqual(await stream.return(), { value: undefined, done: true })
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  await mock.stop()
})

test('abort while waiting for the first byte, and while backing off a 429', async () => {
  const { mock, client } = await setup({
    silent: ['gemini', 'quiet@silent'],
    limited: ['anthropic', 'limited@status=429,retry_after=5'],
  })
  for (const [model, id] of [
    ['silent', 'quiet@silent'],
    ['limited', 'limited@status=429,retry_after=5'],
  ]) {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 150)
    const started = performance.now()
    await assert.rejects(client.complete(ask(model), { signal: controller.signal }), (err) => {
      h.assertGenieError(err, 'CANCELLED')
      return true
    })
    h.assertMs(performance.now() - started, 140, 350, `cancelling ${model}`)
    // The silent request is in flight when the signal fires: its connection must close. The
    // 429's connection finished its response and may rightly sit idle in the pool.
    if (model === 'silent') await closed(mock)
    await noMoreAttempts(mock, id, 1)
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
  }
  await h.assertHealthyAfter(client, 'healthy')
  await mock.stop()
})

test('abort during streamEach: the promise rejects CANCELLED and no event follows', async () => {
  const { mock, client } = await setup()
  const controller = new AbortController()
  const seen = []
  let abortedAt = 0
  await assert.rejects(
    client.streamEach(
      ask('p'),
      (event) => {
        seen.push(event.type)
        if (event.type === 'text' && abortedAt === 0) {
          abortedAt = performance.now()
          controller.abort()
        }
      },
      { signal: controller.signal },
    ),
    (err) => err.code === 'CANCELLED',
  )
  h.assertMs(performance.now() - abortedAt, 0, 100, 'the rejection')
  assert.deepEqual(seen, ['started', 'text'])
  await closed(mock)
  await noMoreAttempts(mock, 'hang@stall_after=3', 1)
  await mock.stop()
})

test('break out of for await closes the connection at once', async () => {
  const { mock, client } = await setup()
  const stream = client.stream(ask('p'))
  for await (const event of stream) {
    if (event.type === 'text') break
  }
  h.assertMs(await closed(mock), 0, 200, 'closing the connection')
  assert.deepEqual(await stream.next(), { value: undefined, done: true })
  await noMoreAttempts(mock, 'hang@stall_after=3', 1)
  await h.assertHealthyAfter(client, 'healthy')
  await mock.stop()
})

test('one signal serves many calls without piling up listeners; aborting it later is harmless', async () => {
  const { mock, client } = await setup({ o: ['openai', 'reused'] })
  const controller = new AbortController()
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  for (let i = 0; i < 30; i++) {
    const form = i % 3
    if (form === 0) h.assertCanonical(await run(client, ask('o'), { signal: controller.signal }))
    if (form === 1) await client.complete(ask('o'), { signal: controller.signal })
    if (form === 2) await client.streamEach(ask('o'), () => {}, { signal: controller.signal })
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, `after call ${i}`)
  }
  controller.abort()
  await new Promise((resolve) => setImmediate(resolve))
  process.off('warning', onWarning)
  assert.deepEqual(warnings.map(String), [])
  assert.equal(await mock.attempts('reused'), 30)
  await mock.stop()
})

test('an iterator abandoned without return() is cancelled when it is collected', async () => {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const { mock, client } = await setup()
  const controller = new AbortController()
  await (async () => {
    const stream = client.stream(ask('p'), { signal: controller.signal })
    for (let i = 0; i < 3; i++) assert.equal((await stream.next()).done, false)
  })()
  if (LINUX) assert.equal(h.establishedTo(mock.port), 1)
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1)
  await h.waitFor(
    () => {
      gc()
      return getEventListeners(controller.signal, 'abort').length === 0
    },
    2000,
    'the stream to be collected',
  )
  await closed(mock)
  await mock.stop()
})

test('a worker thread terminated mid-stream closes its connection', async () => {
  const { mock } = await setup()
  const config = h.config(mock, { p: ['openai', 'worker-hang@stall_after=3'] }, { timeouts: { stall_gap_ms: 10000, total_ms: 20000 } })
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads')
    const genie = require(workerData.addon)
    process.env[workerData.keyEnv] = 'worker-key'
    const client = new genie.Client(workerData.config)
    ;(async () => {
      let texts = 0
      for await (const event of client.stream({ model: 'p', messages: [{ role: 'user', content: 'Hi' }] })) {
        if (event.type === 'text' && ++texts === 3) parentPort.postMessage('streaming')
      }
    })()`,
    { eval: true, workerData: { addon: path.resolve(__dirname, '..'), keyEnv: h.KEY_ENV, config } },
  )
  await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  if (LINUX) assert.equal(h.establishedTo(mock.port), 1)
  await worker.terminate()
  h.assertMs(await closed(mock), 0, 500, 'closing the connection')
  await noMoreAttempts(mock, 'worker-hang@stall_after=3', 1)
  await mock.stop()
})
