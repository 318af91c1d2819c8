// Replays the shared fixtures (tests/fixtures/README.md) under every chunking:
// the SSE conformance cases through SseParser and the recorded provider
// streams through StreamDecoder, asserting the same results as every other
// language.
'use strict'

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { describe, test } = require('node:test')

const {
  FIXTURES,
  genie,
  readJson,
  chunk,
  feedAll,
  nodeOptions,
  canonicalEvent,
  comparableExpectedEvent,
  canonicalSummary,
} = require('./helpers')

function inputBytes(testCase) {
  const hasText = typeof testCase.input === 'string'
  const hasHex = typeof testCase.input_hex === 'string'
  assert.ok(hasText !== hasHex, `${testCase.name}: exactly one of input / input_hex`)
  return hasText ? Buffer.from(testCase.input, 'utf8') : Buffer.from(testCase.input_hex, 'hex')
}

describe('sse/conformance.json', () => {
  const { chunkings, cases } = readJson('sse/conformance.json')

  test('has cases and chunkings', () => {
    assert.ok(cases.length > 0)
    assert.ok(chunkings.length > 0)
  })

  for (const testCase of cases) {
    test(`${testCase.name} (rule ${testCase.rule})`, () => {
      const bytes = inputBytes(testCase)
      const { expect } = testCase
      for (const chunking of chunkings) {
        const where = `${testCase.name} under chunking ${chunking.name}`
        const parser = new genie.SseParser(nodeOptions(testCase.options))
        const { events, errors } = feedAll(parser, chunk(bytes, chunking))
        parser.finish()
        for (const event of events) {
          assert.deepEqual(Object.keys(event), ['event', 'data', 'id'], where)
        }
        assert.deepEqual(events, expect.events, `${where}: events`)
        assert.equal(parser.lastEventId, expect.last_event_id, `${where}: lastEventId`)
        assert.equal(parser.retryMs, expect.retry_ms, `${where}: retryMs`)
        assert.equal(errors, expect.errors, `${where}: LIMIT_EXCEEDED count`)
      }
    })
  }
})

describe('providers/cases.json', () => {
  const { chunkings, cases } = readJson('providers/cases.json')

  test('has cases and chunkings', () => {
    assert.ok(cases.length > 0)
    assert.ok(chunkings.length > 0)
  })

  for (const testCase of cases) {
    test(`${testCase.name} (${testCase.provider})`, () => {
      const bytes = fs.readFileSync(path.join(FIXTURES, 'providers', testCase.file))
      const expectedEvents = testCase.expect.events.map(comparableExpectedEvent)
      for (const chunking of chunkings) {
        const where = `${testCase.name} under chunking ${chunking.name}`
        const decoder = new genie.StreamDecoder(testCase.provider)
        assert.equal(decoder.provider, testCase.provider)
        const { events, errors } = feedAll(decoder, chunk(bytes, chunking))
        assert.equal(errors, 0, `${where}: no LIMIT_EXCEEDED at default limits`)
        assert.equal(decoder.complete, testCase.expect.summary.complete, `${where}: complete`)
        assert.deepEqual(events.map(canonicalEvent), expectedEvents, `${where}: events`)
        const summary = decoder.finish()
        assert.deepEqual(canonicalSummary(summary), testCase.expect.summary, `${where}: summary`)
      }
    })
  }

  test('a decoder is reusable after finish()', () => {
    const testCase = cases.find((c) => c.expect.summary.complete)
    const bytes = fs.readFileSync(path.join(FIXTURES, 'providers', testCase.file))
    const decoder = new genie.StreamDecoder(testCase.provider)
    for (let round = 0; round < 2; round++) {
      const { events } = feedAll(decoder, [bytes])
      assert.deepEqual(
        events.map(canonicalEvent),
        testCase.expect.events.map(comparableExpectedEvent),
        `round ${round}`
      )
      assert.deepEqual(canonicalSummary(decoder.finish()), testCase.expect.summary, `round ${round}`)
      assert.equal(decoder.complete, false, 'finish() resets complete')
    }
  })
})
