// The client against injected faults, over real sockets (tests/mock-provider): what it did
// (attempts, as the mock counted them and as the summary or error lists them), how long it
// took against the configured bounds, that a truncated answer is never complete, and that the
// same client serves a healthy request afterwards.
'use strict'

const assert = require('node:assert/strict')
const { test, before, after } = require('node:test')

const h = require('./client-helpers')
const { genie, ask, run, outcomes, STALL_MS, FIRST_BYTE_MS } = h

let mock
before(async () => {
  mock = await h.startMock()
})
after(async () => {
  await mock.stop()
})

function clientFor(models, extra) {
  return new genie.Client(h.config(mock, { healthy: ['openai', 'faults-healthy'], ...models }, extra))
}

function notices(result, kind) {
  return result.events.filter((e) => e.type === 'notice' && e.kind === kind)
}

test('stall mid-stream: one reconnect, a reset, then the whole answer', async () => {
  const id = 'stall@seq=stall_after=3,stall_ms=5000|ok'
  const client = clientFor({ p: ['openai', id] })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.deepEqual(outcomes(result), ['p:stream:STREAM_STALLED', 'p:reconnect:ok'])
  assert.equal(await mock.attempts(id), 2)
  assert.equal(notices(result, 'reconnecting').length, 1)
  const resets = result.events.filter((e) => e.type === 'reset')
  assert.equal(resets.length, 1)
  assert.equal(resets[0].model, 'p')
  // Three deltas, the stall gap, then the reconnect's answer: well under the mock's 5 s stall.
  h.assertMs(result.ms, STALL_MS, STALL_MS + 1500)
  await h.assertHealthyAfter(client, 'healthy')
})

test('stall twice: the non-stream fallback answers', async () => {
  const id = 'stall2@seq=stall_after=3|stall_after=3|ok'
  const client = clientFor({ p: ['anthropic', id] })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.deepEqual(outcomes(result), ['p:stream:STREAM_STALLED', 'p:reconnect:STREAM_STALLED', 'p:non_stream:ok'])
  assert.equal(await mock.attempts(id), 3)
  assert.equal(notices(result, 'non_stream_fallback').length, 1)
  assert.equal((await mock.log(id))[2].stream, false)
  h.assertMs(result.ms, 2 * STALL_MS, 2 * STALL_MS + 2000)
  await h.assertHealthyAfter(client, 'healthy')
})

test('cut mid-stream on every try of the primary: the next model answers', async () => {
  const id = 'cut@cut_after=4'
  const client = clientFor({ p: ['gemini', id], b: ['responses', 'cut-backup'] }, { fallbacks: { p: ['b'] } })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.equal(result.summary.model, 'b')
  assert.equal(await mock.attempts(id), 3, 'stream, reconnect, non-stream')
  assert.equal(await mock.attempts('cut-backup'), 1)
  assert.equal(notices(result, 'failed_over').length, 1)
  assert.ok(result.events.some((e) => e.type === 'reset' && e.model === 'p'))
  h.assertMs(result.ms, 0, 2000)
  await h.assertHealthyAfter(client, 'healthy')
})

test('no truncated answer is ever complete: a route that is always cut fails', async () => {
  for (const [kind, fault, last] of [
    ['openai', 'cut_after=10', 'MALFORMED_RESPONSE'],
    ['anthropic', 'no_done,cut_after=10', 'MALFORMED_RESPONSE'],
    ['gemini', 'abort_after=5', 'TRANSPORT'],
  ]) {
    const id = `truncated-${kind}@${fault}`
    const client = clientFor({ p: [kind, id] })
    const result = await run(client, ask('p'))
    assert.equal(result.summary, null, `${kind}: a truncated answer was reported served`)
    assert.ok(!result.events.some((e) => e.type === 'done'))
    // Stream and reconnect are cut; the non-stream fallback's body is cut too, and its error
    // is the call's.
    assert.deepEqual(outcomes(result), ['p:stream:STREAM_INCOMPLETE', 'p:reconnect:STREAM_INCOMPLETE', `p:non_stream:${last}`])
    h.assertGenieError(result.error, last)
    assert.equal(await mock.attempts(id), 3)
    // complete() the same (on a client whose breaker has not counted these failures yet).
    await assert.rejects(clientFor({ p: [kind, id] }).complete(ask('p')), (err) => err.code === last)
    await h.assertHealthyAfter(client, 'healthy')
  }
})

test('a stream that ends after its finish reason without [DONE] completes at once', async () => {
  const id = 'nodone@no_done'
  const client = clientFor({ p: ['openai', id] })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.deepEqual(outcomes(result), ['p:stream:ok'])
  assert.equal(result.summary.usage.outputTokens, 39)
  h.assertMs(result.ms, 0, STALL_MS)
})

test('429 with Retry-After: waits what it asks, then answers', async () => {
  const id = 'rl@seq=status=429,retry_after=1|ok'
  const client = clientFor({ p: ['openai', id] })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.deepEqual(outcomes(result), ['p:stream:RATE_LIMITED', 'p:stream:ok'])
  const [retry] = notices(result, 'retrying')
  assert.equal(retry.delayMs, 1000)
  assert.equal(result.summary.attempts[0].httpStatus, 429)
  assert.ok(result.summary.attempts[1].waitedMs >= 1000)
  assert.equal(await mock.attempts(id), 2)
  h.assertMs(result.ms, 1000, 2500)
  await h.assertHealthyAfter(client, 'healthy')
})

test('429 with retry-after-ms, and a 429 whose wait does not fit the deadline', async () => {
  const id = 'rl-ms@seq=status=429,retry_after_ms=200|ok'
  const client = clientFor({ p: ['anthropic', id] })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.equal(notices(result, 'retrying')[0].delayMs, 200)
  h.assertMs(result.ms, 200, 1500)

  const long = 'rl-long@status=429,retry_after=60'
  const tight = clientFor({ q: ['openai', long] })
  const failed = await run(tight, ask('q'))
  h.assertGenieError(failed.error, 'RATE_LIMITED')
  assert.equal(failed.error.httpStatus, 429)
  assert.equal(failed.error.retryAfterMs, 60000)
  assert.equal(await mock.attempts(long), 1, 'a wait past the deadline is not waited')
  h.assertMs(failed.ms, 0, 1000)
  await h.assertHealthyAfter(tight, 'healthy')
})

test('402: PAYMENT_REQUIRED, never retried, with the attempt list', async () => {
  const id = 'pay@status=402'
  const client = clientFor({ p: ['anthropic', id] })
  const result = await run(client, ask('p'))
  h.assertGenieError(result.error, 'PAYMENT_REQUIRED')
  assert.equal(result.error.httpStatus, 402)
  assert.equal(result.error.providerCode, 'billing_error')
  assert.equal(result.error.retryAfterMs, null)
  assert.deepEqual(outcomes(result), ['p:stream:PAYMENT_REQUIRED'])
  assert.equal(result.error.attempts[0].httpStatus, 402)
  assert.equal(await mock.attempts(id), 1)
  await assert.rejects(client.complete(ask('p')), (err) => err.code === 'PAYMENT_REQUIRED' && err.attempts.length === 1)
  await h.assertHealthyAfter(client, 'healthy')
})

test('silent provider: fails over at the first-byte deadline without retrying it', async () => {
  const id = 'silent@silent'
  const client = clientFor({ p: ['gemini', id], b: ['anthropic', 'silent-backup'] }, { fallbacks: { p: ['b'] } })
  const result = await run(client, ask('p'))
  h.assertCanonical(result)
  assert.equal(result.summary.model, 'b')
  assert.deepEqual(outcomes(result), ['p:stream:DEADLINE_EXCEEDED', 'b:stream:ok'])
  assert.equal(await mock.attempts(id), 1, 'the silent route was tried exactly once')
  assert.equal(notices(result, 'failed_over').length, 1)
  h.assertMs(result.ms, FIRST_BYTE_MS, FIRST_BYTE_MS + 1000)
  await h.assertHealthyAfter(client, 'healthy')
})

test('a flapping provider never leaves its breaker stuck open or closed', async () => {
  const id = 'flap@flap=400/400'
  const client = clientFor(
    { p: ['openai', id], b: ['anthropic', 'flap-backup'] },
    {
      fallbacks: { p: ['b'] },
      retry: { max_attempts: 1, base_ms: 50, cap_ms: 200 },
      breaker: { consecutive_failures: 2, failure_rate: 0.5, window: 10, min_calls: 4, open_ms: 300, half_open_probes: 1 },
    },
  )
  await mock.reset() // the flap clock starts now: down [0, 400), up [400, 800), ...
  const started = performance.now()
  const served = []
  let circuitNotices = 0
  while (performance.now() - started < 3200) {
    const result = await run(client, ask('p'))
    h.assertCanonical(result)
    served.push(result.summary.model)
    circuitNotices += notices(result, 'circuit_open').length
    await new Promise((resolve) => setTimeout(resolve, 40))
  }
  const log = await mock.log(id)
  for (let period = 0; period < 4; period++) {
    const down = period * 800
    const up = down + 400
    const inDown = log.filter((a) => a.at_ms >= down && a.at_ms < up).length
    const okInUp = log.filter((a) => a.at_ms >= up + 20 && a.at_ms < up + 400 && a.action === 'ok').length
    assert.ok(inDown <= 5, `period ${period}: ${inDown} attempts while down (the breaker did not open)`)
    assert.ok(okInUp >= 1, `period ${period}: never served while up (the breaker stayed open)`)
  }
  assert.ok(served.includes('b') && served.includes('p'), served.join(' '))
  assert.ok(circuitNotices >= 1, 'no circuit_open notice')
})

test('the whole call stays inside its total deadline', async () => {
  const id = 'deadline@status=503'
  const client = clientFor({ p: ['openai', id] }, { timeouts: { total_ms: 600 }, retry: { max_attempts: 10, base_ms: 200, cap_ms: 400 } })
  const result = await run(client, ask('p'))
  // Retries stop when the next backoff would not fit; the provider's error is the call's.
  h.assertGenieError(result.error, 'UPSTREAM_HTTP')
  assert.equal(result.error.httpStatus, 503)
  assert.ok(result.error.attempts.length >= 2, outcomes(result).join(', '))
  assert.equal(await mock.attempts(id), result.error.attempts.length)
  h.assertMs(result.ms, 0, 600 + 300)
  await h.assertHealthyAfter(client, 'healthy')
})
