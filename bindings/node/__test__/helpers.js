// Shared by the addon's tests: where the fixtures are, the chunkings of
// tests/fixtures/README.md, feeding that collects events and LIMIT_EXCEEDED
// errors, and the canonical (snake_case) JSON shape the fixtures are written in.
'use strict'

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const genie = require('..')

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'tests', 'fixtures')

function readJson(relative) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, relative), 'utf8'))
}

/** Splits `bytes` (a Buffer) into the chunks one named chunking feeds. */
function chunk(bytes, chunking) {
  switch (chunking.name) {
    case 'whole':
      return [bytes]
    case 'bytes':
      return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))
    case 'crlf': {
      const chunks = []
      let start = 0
      for (let i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
          chunks.push(bytes.subarray(start, i + 1))
          start = i + 1
        }
      }
      chunks.push(bytes.subarray(start))
      return chunks
    }
    default: {
      assert.ok(Array.isArray(chunking.sizes), `chunking ${chunking.name} has no sizes`)
      assert.ok(chunking.sizes.some((n) => n > 0), `chunking ${chunking.name} never advances`)
      const chunks = []
      let offset = 0
      for (let i = 0; offset < bytes.length; i++) {
        const size = chunking.sizes[i % chunking.sizes.length]
        chunks.push(bytes.subarray(offset, offset + size))
        offset += size
      }
      return chunks
    }
  }
}

/**
 * Feeds every chunk to `target` (an SseParser or a StreamDecoder). Returns all
 * events (those returned and those carried by a LIMIT_EXCEEDED error) and how
 * many feed calls threw LIMIT_EXCEEDED. Any other error fails the test.
 */
function feedAll(target, chunks) {
  const events = []
  let errors = 0
  for (const piece of chunks) {
    try {
      events.push(...target.feed(piece))
    } catch (err) {
      assert.ok(err instanceof Error, 'feed threw a non-Error')
      assert.equal(err.code, 'LIMIT_EXCEEDED', `unexpected error ${err.code}: ${err.message}`)
      assert.equal(err.status, 1004)
      assert.ok(Array.isArray(err.events), 'LIMIT_EXCEEDED without err.events')
      events.push(...err.events)
      errors++
    }
  }
  return { events, errors }
}

/** Parser options in the fixtures' snake_case, as the Node constructor takes them. */
function nodeOptions(options) {
  if (options === undefined) return undefined
  return { maxLineBytes: options.max_line_bytes, maxEventBytes: options.max_event_bytes }
}

function keysOf(object) {
  return Object.keys(object).sort()
}

function canonicalUsage(usage) {
  assert.deepEqual(keysOf(usage), [
    'cachedTokens',
    'inputTokens',
    'outputTokens',
    'reasoningTokens',
    'totalTokens',
  ])
  for (const value of Object.values(usage)) {
    assert.ok(value === null || Number.isInteger(value), `usage count ${value}`)
  }
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    cached_tokens: usage.cachedTokens,
    reasoning_tokens: usage.reasoningTokens,
  }
}

function canonicalProviderError(error) {
  assert.deepEqual(keysOf(error), ['code', 'kind', 'message'])
  assert.equal(typeof error.message, 'string')
  assert.ok(error.code === null || typeof error.code === 'string')
  return { kind: error.kind, message: error.message, code: error.code }
}

/**
 * A decoder event in the fixtures' shape. Each type must have exactly its own
 * fields; a malformed event's message is checked to be text, then dropped (the
 * fixtures do not compare it).
 */
function canonicalEvent(event) {
  switch (event.type) {
    case 'text':
      assert.deepEqual(keysOf(event), ['text', 'type'])
      return { type: 'text', text: event.text }
    case 'usage':
      assert.deepEqual(keysOf(event), ['type', 'usage'])
      return { type: 'usage', usage: canonicalUsage(event.usage) }
    case 'finish':
      assert.deepEqual(keysOf(event), ['finishReason', 'rawFinishReason', 'type'])
      return {
        type: 'finish',
        finish_reason: event.finishReason,
        raw_finish_reason: event.rawFinishReason,
      }
    case 'error':
      assert.deepEqual(keysOf(event), ['error', 'type'])
      return { type: 'error', error: canonicalProviderError(event.error) }
    case 'malformed':
      assert.deepEqual(keysOf(event), ['message', 'payload', 'type'])
      assert.ok(typeof event.message === 'string' && event.message.length > 0)
      return { type: 'malformed', payload: event.payload }
    default:
      assert.fail(`unknown event type ${JSON.stringify(event.type)}`)
  }
}

/** A fixture's expected event, with what the fixtures do not compare removed. */
function comparableExpectedEvent(event) {
  if (event.type !== 'malformed') return event
  return { type: 'malformed', payload: event.payload }
}

function canonicalSummary(summary) {
  assert.deepEqual(keysOf(summary), [
    'complete',
    'error',
    'finishReason',
    'keepalives',
    'malformedEvents',
    'provider',
    'rawFinishReason',
    'text',
    'usage',
  ])
  return {
    provider: summary.provider,
    text: summary.text,
    usage: canonicalUsage(summary.usage),
    finish_reason: summary.finishReason,
    raw_finish_reason: summary.rawFinishReason,
    complete: summary.complete,
    error: summary.error === null ? null : canonicalProviderError(summary.error),
    malformed_events: summary.malformedEvents,
    keepalives: summary.keepalives,
  }
}

/** A small deterministic PRNG (xorshift32), so random-input tests replay. */
function prng(seed) {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 0x100000000
  }
}

module.exports = {
  FIXTURES,
  genie,
  readJson,
  chunk,
  feedAll,
  nodeOptions,
  canonicalEvent,
  comparableExpectedEvent,
  canonicalSummary,
  prng,
}
