// Hostile and wrong input: wrong argument types, Uint8Array views, invalid
// UTF-8, NUL bytes, a 100 MB line, a stream of only CRs, random binary, bad
// options and unknown providers. Never a crash, a hang or unbounded memory;
// always a typed error that says what to fix.
'use strict'

const assert = require('node:assert/strict')
const { describe, test } = require('node:test')

const { genie, prng } = require('./helpers')

const PROVIDERS = ['gemini', 'openai', 'openai-responses', 'anthropic']
const MiB = 1024 * 1024

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

function assertInvalidArgument(fn, message) {
  const err = thrown(fn)
  assert.ok(err instanceof Error, 'an Error')
  assert.equal(err.code, 'INVALID_ARGUMENT')
  assert.equal(err.status, 1000)
  assert.match(err.message, message)
}

function makeTargets() {
  return [new genie.SseParser(), ...PROVIDERS.map((p) => new genie.StreamDecoder(p))]
}

describe('feed() argument types', () => {
  const wrong = [
    ['a string', 'data: x\n\n', /got a string \(encode text first/],
    ['null', null, /got null$/],
    ['undefined', undefined, /got undefined$/],
    ['a number', 42, /got a number$/],
    ['a plain array', [100, 97, 116, 97], /got an Array$/],
    ['an object', { length: 3 }, /got an object$/],
    ['a boolean', true, /got a boolean$/],
    ['an ArrayBuffer', new ArrayBuffer(8), /got an ArrayBuffer$/],
    ['a DataView', new DataView(new ArrayBuffer(8)), /got a DataView$/],
    ['a Uint16Array', new Uint16Array(4), /got a Uint16Array$/],
    ['an Int8Array', new Int8Array(4), /got an Int8Array$/],
    ['a Uint8ClampedArray', new Uint8ClampedArray(4), /got a Uint8ClampedArray$/],
  ]
  for (const [what, value, tail] of wrong) {
    test(`${what} is INVALID_ARGUMENT for the parser and every decoder`, () => {
      for (const target of makeTargets()) {
        assertInvalidArgument(() => target.feed(value), /^chunk: expected a Buffer or Uint8Array, /)
        assertInvalidArgument(() => target.feed(value), tail)
      }
    })
  }

  test('a missing argument is INVALID_ARGUMENT', () => {
    assertInvalidArgument(() => new genie.SseParser().feed(), /got undefined$/)
  })

  test('Buffer and Uint8Array are both accepted', () => {
    const bytes = 'data: same\n\n'
    const expected = [{ event: 'message', data: 'same', id: '' }]
    assert.deepEqual(new genie.SseParser().feed(Buffer.from(bytes)), expected)
    assert.deepEqual(new genie.SseParser().feed(new TextEncoder().encode(bytes)), expected)
    assert.deepEqual(new genie.SseParser().feed(new Uint8Array(0)), [])
    assert.deepEqual(new genie.SseParser().feed(Buffer.alloc(0)), [])
    const detached = new Uint8Array(16)
    structuredClone(detached.buffer, { transfer: [detached.buffer] })
    assert.equal(detached.byteLength, 0)
    assert.deepEqual(new genie.SseParser().feed(detached), [])
  })

  test('a Uint8Array view reads only its own bytes', () => {
    const whole = Buffer.from('data: outside\n\ndata: inside\n\ndata: after\n\n')
    const start = whole.indexOf('data: inside')
    const length = 'data: inside\n\n'.length
    const backing = new ArrayBuffer(whole.length)
    new Uint8Array(backing).set(whole)
    const view = new Uint8Array(backing, start, length)
    assert.equal(view.byteOffset, start)
    assert.deepEqual(new genie.SseParser().feed(view), [{ event: 'message', data: 'inside', id: '' }])
    // A Buffer slice of a pooled Buffer is the same case.
    const slice = whole.subarray(start, start + length)
    assert.deepEqual(new genie.SseParser().feed(slice), [{ event: 'message', data: 'inside', id: '' }])
    const text = (t) => `data: {"choices":[{"delta":{"content":"${t}"}}]}\n\n`
    const stream = Buffer.from(text('no') + text('yes') + text('no'))
    const from = text('no').length
    const decoder = new genie.StreamDecoder('openai')
    const events = decoder.feed(new Uint8Array(stream.buffer, stream.byteOffset + from, text('yes').length))
    assert.deepEqual(events, [{ type: 'text', text: 'yes' }])
  })
})

describe('bytes that are not clean text', () => {
  test('invalid UTF-8 decodes to U+FFFD', () => {
    const parser = new genie.SseParser()
    const events = parser.feed(Buffer.from('646174613a2061ff62c3280a0a', 'hex'))
    assert.deepEqual(events, [{ event: 'message', data: 'a\uFFFDb\uFFFD(', id: '' }])
  })

  test('a character split across chunks decodes whole', () => {
    const parser = new genie.SseParser()
    const bytes = Buffer.from('data: 😀é\n\n')
    const events = []
    for (let i = 0; i < bytes.length; i++) events.push(...parser.feed(bytes.subarray(i, i + 1)))
    assert.deepEqual(events, [{ event: 'message', data: '😀é', id: '' }])
  })

  test('NUL bytes are content in data, and an id with NUL is ignored', () => {
    const parser = new genie.SseParser()
    const events = parser.feed(Buffer.from('id: 1\ndata: a\0b\n\nid: x\0y\ndata: c\n\n'))
    assert.deepEqual(events, [
      { event: 'message', data: 'a\u0000b', id: '1' },
      { event: 'message', data: 'c', id: '1' },
    ])
    assert.equal(parser.lastEventId, '1')
  })

  test('a 100 MB line fed in 1 MiB chunks: LIMIT_EXCEEDED once, bounded memory', () => {
    const parser = new genie.SseParser()
    const first = Buffer.alloc(MiB, 0x61)
    first.write('data: ', 0)
    const rest = Buffer.alloc(MiB, 0x61)
    const baseline = process.memoryUsage().rss
    let peak = baseline
    let errors = 0
    const events = []
    for (let i = 0; i < 100; i++) {
      try {
        events.push(...parser.feed(i === 0 ? first : rest))
      } catch (err) {
        assert.equal(err.code, 'LIMIT_EXCEEDED')
        assert.equal(err.status, 1004)
        assert.deepEqual(err.events, [])
        errors++
      }
      peak = Math.max(peak, process.memoryUsage().rss)
    }
    events.push(...parser.feed(Buffer.from('\n\ndata: after\n\n')))
    parser.finish()
    assert.equal(errors, 1)
    assert.deepEqual(events, [{ event: 'message', data: 'after', id: '' }])
    // The parser holds at most max_line_bytes (16 MiB) of the line before dropping it.
    assert.ok(peak - baseline < 64 * MiB, `rss grew by ${((peak - baseline) / MiB).toFixed(1)} MiB`)
  })

  test('a stream of only CRs is blank lines: no events, no error, linear time', () => {
    const crs = Buffer.alloc(2 * MiB, 0x0d)
    for (const target of makeTargets()) {
      const started = process.hrtime.bigint()
      for (let offset = 0; offset < crs.length; offset += 64 * 1024) {
        assert.deepEqual(target.feed(crs.subarray(offset, offset + 64 * 1024)), [])
      }
      for (let i = 0; i < 10000; i++) assert.deepEqual(target.feed(crs.subarray(0, 1)), [])
      target.finish()
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      assert.ok(seconds < 10, `took ${seconds}s`)
    }
  })

  test('random binary never crashes the parser or any decoder', () => {
    const random = prng(0x5eed)
    const bytes = Buffer.alloc(2 * MiB)
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256)
    // SSE-shaped noise reaches deeper into the decoders than uniform bytes do.
    const pieces = ['data: ', 'data:', 'event: ', 'id: ', 'retry: 5', '\n', '\r', '\r\n', ':',
      '{', '}', '"', '[DONE]', '{"choices":[', '{"type":"message_stop"}', '\u0000', '\xff']
    let noise = ''
    while (noise.length < MiB) noise += pieces[Math.floor(random() * pieces.length)]
    const inputs = [bytes, Buffer.from(noise, 'latin1')]
    for (const input of inputs) {
      for (const limits of [undefined, { maxLineBytes: 64, maxEventBytes: 128 }]) {
        const targets = [
          new genie.SseParser(limits),
          ...PROVIDERS.map((p) => new genie.StreamDecoder(p, limits)),
        ]
        for (const target of targets) {
          let offset = 0
          while (offset < input.length) {
            const size = Math.floor(random() * 4096)
            try {
              const events = target.feed(input.subarray(offset, offset + size))
              assert.ok(Array.isArray(events))
            } catch (err) {
              assert.equal(err.code, 'LIMIT_EXCEEDED', err.message)
              assert.ok(Array.isArray(err.events))
            }
            offset += size
          }
          const summary = target.finish()
          if (target instanceof genie.StreamDecoder) {
            assert.equal(typeof summary.complete, 'boolean')
            assert.equal(typeof summary.text, 'string')
          } else {
            assert.equal(summary, undefined)
          }
        }
      }
    }
  })
})

describe('constructor arguments', () => {
  test('defaults: no options, undefined, null, {} and null/undefined limits', () => {
    for (const options of [undefined, null, {}, { maxLineBytes: null }, { maxEventBytes: undefined }]) {
      const parser = new genie.SseParser(options)
      assert.deepEqual(parser.feed(Buffer.from('data: x\n\n')), [{ event: 'message', data: 'x', id: '' }])
    }
    assert.equal(new genie.SseParser().retryMs, null)
    assert.equal(new genie.SseParser().lastEventId, '')
  })

  test('limits are enforced as given', () => {
    const parser = new genie.SseParser({ maxLineBytes: 7, maxEventBytes: 100 })
    assert.deepEqual(parser.feed(Buffer.from('data: x\n\n')), [{ event: 'message', data: 'x', id: '' }])
    assert.equal(thrown(() => parser.feed(Buffer.from('data: xy\n\n'))).code, 'LIMIT_EXCEEDED')
  })

  const badLimits = [
    [0, /got 0$/],
    [-1, /got -1$/],
    [1.5, /got 1\.5$/],
    [NaN, /got NaN$/],
    [Infinity, /got Infinity$/],
    [2 ** 53, /got 9007199254740992$/],
    ['64', /got a string$/],
    [true, /got a boolean$/],
    [{}, /got an object$/],
    [10n, /got a bigint$/],
  ]
  const label = (value) =>
    typeof value === 'bigint' ? `${value}n` : typeof value === 'number' ? String(value) : JSON.stringify(value)
  for (const [value, message] of badLimits) {
    for (const field of ['maxLineBytes', 'maxEventBytes']) {
      test(`${field}: ${label(value)} is INVALID_ARGUMENT naming the field`, () => {
        const options = { [field]: value }
        const expected = new RegExp(`^${field}: expected a positive integer number of bytes, `)
        assertInvalidArgument(() => new genie.SseParser(options), expected)
        assertInvalidArgument(() => new genie.SseParser(options), message)
        for (const provider of PROVIDERS) {
          assertInvalidArgument(() => new genie.StreamDecoder(provider, options), expected)
        }
      })
    }
  }

  test('options that are not an object, or name an unknown option', () => {
    assertInvalidArgument(() => new genie.SseParser(16), /^options: expected an object .*got a number$/)
    assertInvalidArgument(() => new genie.SseParser('big'), /got a string$/)
    assertInvalidArgument(() => new genie.SseParser([1]), /got an Array$/)
    assertInvalidArgument(
      () => new genie.SseParser({ max_line_bytes: 5 }),
      /^options: unknown option "max_line_bytes"; the options are maxLineBytes, maxEventBytes$/
    )
    assertInvalidArgument(() => new genie.StreamDecoder('openai', { maxLinebytes: 5 }), /"maxLinebytes"/)
  })

  test('unknown or mistyped provider', () => {
    assertInvalidArgument(
      () => new genie.StreamDecoder('OpenAI'),
      /^provider: unknown provider "OpenAI"; expected one of "gemini", "openai", "openai-responses", "anthropic"$/
    )
    assertInvalidArgument(() => new genie.StreamDecoder(''), /unknown provider ""/)
    assertInvalidArgument(() => new genie.StreamDecoder(), /^provider: expected a string, got undefined$/)
    assertInvalidArgument(() => new genie.StreamDecoder(null), /got null$/)
    assertInvalidArgument(() => new genie.StreamDecoder(1), /got a number$/)
    assertInvalidArgument(() => new genie.StreamDecoder(Buffer.from('openai')), /got a Uint8Array$/)
  })

  test('every provider name is accepted and reported back', () => {
    for (const provider of PROVIDERS) {
      const decoder = new genie.StreamDecoder(provider)
      assert.equal(decoder.provider, provider)
      assert.equal(decoder.complete, false)
    }
  })
})
