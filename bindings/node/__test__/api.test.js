// The mirrored API surface (the same names as Python's, in camelCase): what the package
// exports, what each class offers, and the behaviour of the getters across a stream.
'use strict'

const assert = require('node:assert/strict')
const { test } = require('node:test')

const { genie } = require('./helpers')

test('the package exports the mirrored API', () => {
  for (const name of ['SseParser', 'StreamDecoder']) {
    assert.equal(typeof genie[name], 'function', name)
  }
  for (const name of ['errorTable', 'version']) {
    assert.equal(typeof genie[name], 'function', name)
  }
  const methods = (cls) => Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor').sort()
  assert.deepEqual(methods(genie.SseParser), ['feed', 'finish', 'lastEventId', 'retryMs'])
  assert.deepEqual(methods(genie.StreamDecoder), ['complete', 'feed', 'finish', 'provider'])
})

test('SseParser getters follow the stream and survive finish()', () => {
  const parser = new genie.SseParser()
  assert.equal(parser.lastEventId, '')
  assert.equal(parser.retryMs, null)
  parser.feed(Buffer.from('retry: 2500\nid: 42\ndata: x\n\nid: 43\ndata: unfinished'))
  assert.equal(parser.retryMs, 2500)
  assert.equal(parser.lastEventId, '42')
  parser.finish()
  assert.equal(parser.lastEventId, '42', 'the unfinished event did not dispatch its id')
  assert.deepEqual(parser.feed(Buffer.from('data: next\n\n')), [{ event: 'message', data: 'next', id: '42' }])
})

test('StreamDecoder.complete turns true at the end marker and resets at finish()', () => {
  const decoder = new genie.StreamDecoder('openai')
  decoder.feed(Buffer.from('data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\n'))
  assert.equal(decoder.complete, false)
  assert.deepEqual(decoder.feed(Buffer.from('data: [DONE]\n\n')), [])
  assert.equal(decoder.complete, true)
  const summary = decoder.finish()
  assert.equal(summary.complete, true)
  assert.equal(summary.text, 'Hi')
  assert.equal(summary.finishReason, 'stop')
  assert.equal(decoder.complete, false)
})

test('results are plain objects', () => {
  const [event] = new genie.SseParser().feed(Buffer.from('data: x\n\n'))
  assert.equal(Object.getPrototypeOf(event), Object.prototype)
  const decoder = new genie.StreamDecoder('anthropic')
  const summary = decoder.finish()
  assert.equal(Object.getPrototypeOf(summary), Object.prototype)
  assert.equal(Object.getPrototypeOf(summary.usage), Object.prototype)
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary)
})
