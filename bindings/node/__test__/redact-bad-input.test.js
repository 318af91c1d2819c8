// Hostile and large input for the redactor: wrong argument types for every method, lone
// surrogates, empty text, inputs built to make regexes and scanners slow (long digit runs,
// `@@@@…`, repeated separators, endless URLs), random Unicode, and a 50 MB text redacted
// both on the calling thread and off it (redactAsync). Never a crash or a hang; always a typed
// error or a correct result, in bounded time.
'use strict'

const assert = require('node:assert/strict')
const { describe, test } = require('node:test')

const {
  genie,
  bySizes,
  streamAll,
  assertOffsetsFit,
  thrown,
  assertGenieError,
  prng,
} = require('./redact-helpers')

const PLACEHOLDERS = { operators: { default: { type: 'placeholder' } } }
const MB = 1_000_000

describe('argument types', () => {
  const redactor = new genie.Redactor()
  const wrong = [
    ['a Buffer', Buffer.from('jane@example.com'), /got a Uint8Array \(decode bytes first, e\.g\. buffer\.toString\('utf8'\)\)$/],
    ['a Uint8Array', new Uint8Array(3), /got a Uint8Array \(decode bytes first/],
    ['null', null, /got null$/],
    ['undefined', undefined, /got undefined$/],
    ['a number', 42, /got a number$/],
    ['a boolean', false, /got a boolean$/],
    ['an object', { text: 'x' }, /got an object$/],
    ['a String object', new String('x'), /got an object$/],
    ['an Array', ['x'], /got an Array$/],
    ['a symbol', Symbol('x'), /got a symbol$/],
    ['a bigint', 1n, /got a bigint$/],
    ['a function', () => 'x', /got a function$/],
  ]
  const calls = [
    ['find', (v) => redactor.find(v), 'text'],
    ['redact', (v) => redactor.redact(v), 'text'],
    ['redactAsync', (v) => redactor.redactAsync(v), 'text'],
    ['restore', (v) => redactor.restore(v, {}), 'text'],
    ['push', (v) => new genie.StreamRedactor(redactor).push(v), 'chunk'],
    ['restorer push', (v) => new genie.StreamRestorer({}).push(v), 'chunk'],
  ]
  for (const [what, value, tail] of wrong) {
    test(`${what} is INVALID_ARGUMENT for every method`, () => {
      for (const [method, call, name] of calls) {
        const err = thrown(() => call(value))
        assertGenieError(err, 'INVALID_ARGUMENT', new RegExp(`^${name}: expected a string, got `))
        assert.match(err.message, tail, method)
      }
    })
  }

  test('a missing argument is INVALID_ARGUMENT', () => {
    assertGenieError(thrown(() => redactor.redact()), 'INVALID_ARGUMENT', /^text: expected a string, got undefined$/)
    assertGenieError(thrown(() => redactor.restore('x')), 'INVALID_ARGUMENT', /^mapping: .* got undefined$/)
  })

  test('a StreamRestorer needs a mapping of strings', () => {
    for (const bad of [undefined, null, 'x', 3, ['[EMAIL_1]'], { '[EMAIL_1]': 3 }]) {
      assertGenieError(thrown(() => new genie.StreamRestorer(bad)), 'INVALID_ARGUMENT', /^mapping/)
    }
  })

  test('a refused chunk leaves the restorer usable, and it goes on after flush', () => {
    const restorer = new genie.StreamRestorer({ '[EMAIL_1]': 'jane@example.com' })
    let out = restorer.push('to [EMA')
    assert.equal(out, 'to ')
    assertGenieError(thrown(() => restorer.push(7)), 'INVALID_ARGUMENT', /^chunk: /)
    assertGenieError(thrown(() => restorer.push('\uDC4D')), 'INVALID_UTF8', /^chunk: a lone surrogate/)
    out += restorer.push('IL_1] now \uD83D')
    assertGenieError(thrown(() => restorer.flush()), 'INVALID_UTF8', /high surrogate U\+D83D/)
    out += restorer.push('\uDC4D [') + restorer.flush()
    assert.equal(out, 'to jane@example.com now 👍 [')
    assert.equal(restorer.push('[EMAIL_1]') + restorer.flush(), 'jane@example.com')
  })

  test('a failed call leaves the redactor and the stream usable', () => {
    const stream = new genie.StreamRedactor(redactor)
    thrown(() => stream.push(7))
    thrown(() => redactor.redact(null))
    assert.equal(stream.push('mail a@example.com ') + stream.flush(), 'mail <EMAIL> ')
  })
})

describe('lone surrogates', () => {
  const redactor = new genie.Redactor()
  const cases = [
    ['a high one', 'mail a@example.com \uD83D end', 19, 'D83D'],
    ['a low one', '\uDC4Dmail', 0, 'DC4D'],
    ['one after a real pair', '👍\uD83D', 2, 'D83D'],
    ['a reversed pair', 'x\uDC4D\uD83D', 1, 'DC4D'],
  ]
  for (const [what, text, offset, unit] of cases) {
    test(`${what} is INVALID_UTF8 naming its UTF-16 offset`, async () => {
      const message = new RegExp(`^text: a lone surrogate \\(U\\+${unit}\\) at UTF-16 offset ${offset}: .*toWellFormed`)
      for (const call of [() => redactor.find(text), () => redactor.redact(text),
        () => redactor.redactAsync(text), () => redactor.restore(text, {})]) {
        assertGenieError(thrown(call), 'INVALID_UTF8', message)
      }
      // The documented fix works: toWellFormed() makes U+FFFD of them, one unit for one.
      const fixed = text.toWellFormed()
      assert.deepEqual(
        redactor.find(fixed).map((f) => fixed.slice(f.start, f.end)),
        fixed.includes('a@example.com') ? ['a@example.com'] : []
      )
    })
  }

  test('a real U+FFFD is text like any other', () => {
    const text = '\uFFFD mail a@example.com \uFFFD'
    const [f] = redactor.find(text)
    assert.equal(text.slice(f.start, f.end), 'a@example.com')
  })
})

test('empty text', async () => {
  const redactor = new genie.Redactor(PLACEHOLDERS)
  const empty = { text: '', findings: [], mapping: {}, counts: {} }
  assert.deepEqual(redactor.redact(''), empty)
  assert.deepEqual(await redactor.redactAsync(''), empty)
  assert.deepEqual(redactor.find(''), [])
  assert.equal(redactor.restore('', {}), '')
  const stream = new genie.StreamRedactor(redactor)
  assert.equal(stream.push(''), '')
  assert.equal(stream.flush(), '')
  assert.equal(stream.flush(), '')
})

describe('pathological inputs run in linear time', () => {
  const redactor = new genie.Redactor(PLACEHOLDERS)
  const n = 1 * MB
  const inputs = [
    ['a long digit run', '7'.repeat(n)],
    ['digits in card-like groups', '4111 '.repeat(n / 5)],
    ['at signs', '@'.repeat(n)],
    ['at signs between letters', 'a@'.repeat(n / 2)],
    ['dots', '.'.repeat(n)],
    ['dashes between digits', '1-'.repeat(n / 2)],
    ['repeated separators', '-_./:;, '.repeat(n / 8)],
    ['an endless URL', 'https://' + 'a'.repeat(n)],
    ['URL schemes', 'http://'.repeat(n / 7)],
    ['brackets', '[EMAIL_1'.repeat(n / 8)],
    ['capitalised words', 'Dr John Smith '.repeat(n / 14)],
    ['plus signs and digits', '+1 '.repeat(n / 3)],
    ['spaces', ' '.repeat(n)],
    ['emoji', '👩‍💻'.repeat(n / 5)],
  ]
  for (const [what, text] of inputs) {
    test(what, () => {
      const started = process.hrtime.bigint()
      const out = redactor.redact(text)
      const found = redactor.find(text)
      assert.equal(redactor.restore(out.text, out.mapping), text, 'round trip')
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      assertOffsetsFit(text, out.findings, what)
      assert.deepEqual(found.map((f) => [f.start, f.end]), out.findings.map((f) => [f.start, f.end]))
      assert.ok(ms < 5000, `${what}: ${ms.toFixed(0)} ms for 1 MB`)
    })
  }
})

test('random Unicode: never throws, offsets fit the mapping, round trips, streams agree', () => {
  const redactor = new genie.Redactor(PLACEHOLDERS)
  const random = prng(2024)
  const pool = [...'0123456789 @.-_+:/()[]#\n\tabcxyzABCXYZéüßçøЖж東京한국שלוםمرحبا'].concat(
    ['👩‍💻', '👍🏽', '🏳️‍🌈', '\u200d', '\uFFFD', 'jane@example.com', '+1 415 802 3391',
      '4111 1111 1111 1111', '203.0.113.9', 'https://example.com/x', 'DE89 3704 0044 0532 0130 00'])
  for (let round = 0; round < 300; round++) {
    const length = Math.floor(random() * 60)
    const text = Array.from({ length }, () => pool[Math.floor(random() * pool.length)]).join('')
    const out = redactor.redact(text)
    assertOffsetsFit(text, out.findings, JSON.stringify(text))
    const values = new Set(Object.values(out.mapping))
    for (const f of out.findings) {
      assert.ok(values.has(text.slice(f.start, f.end)), JSON.stringify(text))
    }
    assert.equal(redactor.restore(out.text, out.mapping), text, JSON.stringify(text))
    const streamed = streamAll(redactor, bySizes(text, [1 + Math.floor(random() * 5)]))
    assert.equal(streamed.text, out.text, JSON.stringify(text))
  }
})

describe('a 50 MB text', () => {
  // A support-ticket log: a record with five kinds of PII per ~430 bytes of mixed-script text.
  const record = (i) =>
    `#${i} Réservé: customer wrote from jane.doe${i % 97}@example.com about card ` +
    `4111 1111 1111 1111 — call +1 415 802 3391. 東京の配送センター、担当者に連絡済み。 ` +
    `שלום 👩‍💻 server 203.0.113.${i % 250} returned 200 OK after retry ${i}. ` +
    'Nothing else of note in this record; the customer is happy with the outcome. '
  const parts = []
  let bytes = 0
  for (let i = 0; bytes < 50 * MB; i++) {
    parts.push(record(i))
    bytes += Buffer.byteLength(parts[i])
  }
  const text = parts.join('')
  const redactor = new genie.Redactor()
  const expected = parts.map((p) => redactor.redact(p).text).join('')

  function check(out) {
    assert.equal(out.text, expected)
    assert.equal(out.findings.length, parts.length * 4)
    assert.deepEqual(Object.keys(out.counts).sort(), ['CREDIT_CARD', 'EMAIL', 'IP_ADDRESS', 'PHONE'])
    const values = /^(jane\.doe\d+@example\.com|4111 1111 1111 1111|\+1 415 802 3391|203\.0\.113\.\d+)$/
    for (const f of out.findings) assert.match(text.slice(f.start, f.end), values)
  }

  test('redact is correct and takes under 10 s', () => {
    assert.ok(Buffer.byteLength(text) >= 50 * MB)
    const started = Date.now()
    const out = redactor.redact(text)
    const ms = Date.now() - started
    check(out)
    assert.ok(ms < 10_000, `redact took ${ms} ms`)
  })

  test('redactAsync gives the same result and keeps the event loop turning', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    try {
      const started = Date.now()
      const out = await redactor.redactAsync(text)
      const ms = Date.now() - started
      check(out)
      assert.ok(ms < 15_000, `redactAsync took ${ms} ms`)
      assert.ok(ticks >= 10, `only ${ticks} timer ticks ran while redacting off-thread`)
    } finally {
      clearInterval(timer)
    }
  })

  test('concurrent redactAsync calls on one redactor agree', async () => {
    const texts = parts.slice(0, 2000).map((p, i) => p.repeat(1 + (i % 3)))
    const results = await Promise.all(texts.map((t) => redactor.redactAsync(t)))
    results.forEach((out, i) => assert.deepEqual(out, redactor.redact(texts[i])))
  })

  test('a stream of 64 KiB chunks equals whole-text redaction', () => {
    const slice = text.slice(0, 5 * MB)
    const out = streamAll(redactor, bySizes(slice, [65536]))
    assert.equal(out.text, redactor.redact(slice).text)
  })
})
