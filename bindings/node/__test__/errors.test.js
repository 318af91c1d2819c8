// The error table (tests/fixtures/errors.json) as Node renders it: errorTable()
// lists every code and status, and errors provoked for real carry them.
'use strict'

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const { genie, readJson } = require('./helpers')

const table = readJson('errors.json').errors
const statusOf = new Map(table.map((row) => [row.code, row.status]))

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

test('errorTable() is the table of errors.json, in order', () => {
  assert.deepEqual(
    genie.errorTable(),
    table.map(({ code, status }) => ({ code, status }))
  )
})

test('errorTable() returns fresh plain objects', () => {
  const rows = genie.errorTable()
  rows[0].code = 'CHANGED'
  assert.equal(genie.errorTable()[0].code, table[0].code)
})

test('version() is the package version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'))
  assert.equal(genie.version(), pkg.version)
  assert.match(genie.version(), /^\d+\.\d+\.\d+/)
})

const provoked = [
  {
    code: 'INVALID_ARGUMENT',
    what: 'a string chunk',
    fn: () => new genie.SseParser().feed('data: x\n\n'),
    message: /^chunk: expected a Buffer or Uint8Array, got a string/,
  },
  {
    code: 'INVALID_ARGUMENT',
    what: 'an unknown provider',
    fn: () => new genie.StreamDecoder('palm'),
    message:
      /^provider: unknown provider "palm"; expected one of "gemini", "openai", "openai-responses", "anthropic"$/,
  },
  {
    code: 'INVALID_ARGUMENT',
    what: 'a zero limit',
    fn: () => new genie.SseParser({ maxEventBytes: 0 }),
    message: /^maxEventBytes: expected a positive integer number of bytes, got 0$/,
  },
  {
    code: 'LIMIT_EXCEEDED',
    what: 'an oversized line',
    fn: () => new genie.SseParser({ maxLineBytes: 4 }).feed(Buffer.from('data: too long\n\n')),
    message: /max_line_bytes \(4\)/,
  },
  {
    code: 'LIMIT_EXCEEDED',
    what: 'an oversized event in a decoder',
    fn: () =>
      new genie.StreamDecoder('openai', { maxEventBytes: 4 }).feed(Buffer.from('data: 123456\n\n')),
    message: /max_event_bytes \(4\)/,
  },
]

for (const { code, what, fn, message } of provoked) {
  test(`${what} throws ${code} with the table's status`, () => {
    const err = thrown(fn)
    assert.ok(err instanceof Error)
    assert.equal(err.code, code)
    assert.equal(err.status, statusOf.get(code))
    assert.equal(typeof err.status, 'number')
    assert.match(err.message, message)
    assert.ok(!err.message.startsWith(code), 'the message is the core message, without the code')
  })
}

test('LIMIT_EXCEEDED from feed keeps the chunk’s other events in err.events', () => {
  const parser = new genie.SseParser({ maxLineBytes: 10 })
  const err = thrown(() =>
    parser.feed(Buffer.from('data: 1\n\ndata: far too long a line\n\ndata: 2\n\n'))
  )
  assert.equal(err.code, 'LIMIT_EXCEEDED')
  assert.deepEqual(err.events, [
    { event: 'message', data: '1', id: '' },
    { event: 'message', data: '2', id: '' },
  ])
  assert.deepEqual(parser.feed(Buffer.from('data: 3\n\n')), [{ event: 'message', data: '3', id: '' }])
})

test('LIMIT_EXCEEDED from a decoder keeps the decoded events', () => {
  const decoder = new genie.StreamDecoder('openai', { maxLineBytes: 64 })
  const text = (t) => `data: {"choices":[{"delta":{"content":"${t}"}}]}\n\n`
  const err = thrown(() =>
    decoder.feed(Buffer.from(text('a') + `data: ${'x'.repeat(100)}\n\n` + text('b')))
  )
  assert.equal(err.code, 'LIMIT_EXCEEDED')
  assert.equal(err.status, 1004)
  assert.deepEqual(err.events, [
    { type: 'text', text: 'a' },
    { type: 'text', text: 'b' },
  ])
  decoder.feed(Buffer.from('data: [DONE]\n\n'))
  const summary = decoder.finish()
  assert.equal(summary.text, 'ab')
  assert.equal(summary.complete, true)
})

test('every error is thrown once and leaves the object usable', () => {
  const parser = new genie.SseParser()
  assert.equal(thrown(() => parser.feed(null)).code, 'INVALID_ARGUMENT')
  assert.deepEqual(parser.feed(Buffer.from('data: ok\n\n')), [{ event: 'message', data: 'ok', id: '' }])
})
