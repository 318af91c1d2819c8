// The redaction API as JavaScript sees it: what the package exports, the config forms
// (object, JSON text, file path) and their errors, the hash key read from the environment,
// UTF-16 offsets in accented, CJK, right-to-left and emoji ZWJ text, restore, and the
// StreamRedactor's contract (surrogate pairs split between chunks, lone surrogates, equality
// with whole-text redaction over random cuts, getters).
'use strict'

const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { describe, test } = require('node:test')

const {
  genie,
  fixture,
  setFixtureKey,
  chunkings,
  streamAll,
  assertOffsetsFit,
  thrown,
  assertGenieError,
} = require('./redact-helpers')

const PLACEHOLDERS = { operators: { default: { type: 'placeholder' } } }

test('the package exports the redaction API', () => {
  const methods = (cls) =>
    Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor').sort()
  assert.deepEqual(methods(genie.Redactor), ['find', 'redact', 'redactAsync', 'restore'])
  assert.deepEqual(methods(genie.StreamRedactor), ['counts', 'findings', 'flush', 'mapping', 'push'])
})

describe('config', () => {
  const text = 'write to support@acme.com or jane@example.com'

  test('undefined, null and {} are the defaults (replace every type)', () => {
    for (const config of [undefined, null, {}, '{}', '  \n\t{ }']) {
      assert.equal(
        new genie.Redactor(config).redact(text).text,
        'write to <EMAIL> or <EMAIL>',
        JSON.stringify(config)
      )
    }
    assert.equal(new genie.Redactor().redact(text).text, 'write to <EMAIL> or <EMAIL>')
  })

  test('an object, JSON text and a file give the same redactor', () => {
    const config = { allowlist: { patterns: ['*@acme.com'] }, ...PLACEHOLDERS }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genie-redact-'))
    const file = path.join(dir, 'redactor.json')
    fs.writeFileSync(file, JSON.stringify(config))
    try {
      const expected = 'write to support@acme.com or [EMAIL_1]'
      assert.equal(new genie.Redactor(config).redact(text).text, expected)
      assert.equal(new genie.Redactor(JSON.stringify(config)).redact(text).text, expected)
      assert.equal(new genie.Redactor(file).redact(text).text, expected)
      const relative = path.relative(process.cwd(), file)
      assert.equal(new genie.Redactor(relative).redact(text).text, expected)
    } finally {
      fs.rmSync(dir, { recursive: true })
    }
  })

  test('a missing file and bad JSON text are INVALID_CONFIG', () => {
    const missing = path.join(os.tmpdir(), 'no-such-genie-config.json')
    const err = thrown(() => new genie.Redactor(missing))
    assertGenieError(err, 'INVALID_CONFIG', /cannot read/)
    assert.ok(err.message.includes(missing))
    assertGenieError(thrown(() => new genie.Redactor('{"profile": ')), 'INVALID_CONFIG', /EOF/)
    assertGenieError(thrown(() => new genie.Redactor('')), 'INVALID_CONFIG', /cannot read/)
  })

  test('the core names the path of a bad value', () => {
    const cases = [
      [{ operators: { EMAIL: { type: 'mask', keep_last: -1 } } }, /^operators\.EMAIL/],
      [{ operators: { EMAIL: { type: 'mask', keep_last: 2.5 } } }, /^operators\.EMAIL/],
      [{ phone_region: 'ZZ' }, /^phone_region: unknown region/],
      [{ profil: 'general' }, /unknown field `profil`/],
      [{ allowlist: { by_type: { EMAIL: { regex: ['('] } } } }, /^allowlist\.by_type/],
      [{ custom: [{ type: 'ACME_ID', regex: 'A\\d+' }] }, /^custom\[0\]\.regex: matches can be longer/],
      [{ dates: 'yes' }, /^dates: invalid type/],
    ]
    for (const [config, message] of cases) {
      assertGenieError(thrown(() => new genie.Redactor(config)), 'INVALID_CONFIG', message)
    }
  })

  test('values JSON cannot hold are INVALID_CONFIG naming their path', () => {
    class Rules {}
    const cyclic = {}
    cyclic.by_type = cyclic
    const cases = [
      [{ allowlist: { values: ['a', () => 1] } }, /^allowlist\.values\[1\]: a function is not a JSON value$/],
      [{ allowlist: { values: [Symbol('x')] } }, /^allowlist\.values\[0\]: a symbol is not/],
      [{ operators: { EMAIL: { type: 'mask', keep_last: 4n } } }, /^operators\.EMAIL\.keep_last: a bigint is not/],
      [{ operators: { EMAIL: { type: 'mask', keep_last: NaN } } }, /^operators\.EMAIL\.keep_last: NaN is not a JSON number$/],
      [{ operators: { EMAIL: { type: 'mask', keep_last: Infinity } } }, /keep_last: Infinity is not a JSON number$/],
      [{ allowlist: new Map() }, /^allowlist: an instance of Map is not a JSON value$/],
      [{ allowlist: new Rules() }, /^allowlist: an instance of Rules is not a JSON value$/],
      [{ dates: new Date(0) }, /^dates: a Date is not a JSON value$/],
      [{ allowlist: { values: new Uint8Array(2) } }, /^allowlist\.values: a Uint8Array is not/],
      [{ entities: ['EMAIL', undefined] }, /^entities\[1\]: undefined is not a JSON value$/],
      [{ allowlist: cyclic }, /nested more than 64 levels deep/],
      [{ allowlist: { values: ['ok', 'x\uD800'] } }, /^allowlist\.values\[1\]: a lone surrogate \(U\+D800\) at UTF-16 offset 1: /],
      [{ allowlist: { by_type: { ['\uDC00']: {} } } }, /^allowlist\.by_type: a lone surrogate \(U\+DC00\)/],
      ['{"profile": "\uD800"}', /^config: a lone surrogate \(U\+D800\) at UTF-16 offset 13: /],
    ]
    for (const [config, message] of cases) {
      assertGenieError(thrown(() => new genie.Redactor(config)), 'INVALID_CONFIG', message)
    }
  })

  test('undefined properties are left out, as JSON.stringify does; null stays null', () => {
    const config = { profile: undefined, operators: { EMAIL: { type: 'placeholder', keep_last: undefined } } }
    assert.equal(new genie.Redactor(config).redact(text).text, 'write to [EMAIL_1] or [EMAIL_2]')
    // phone_region: null means only +-prefixed numbers are phones.
    const local = 'call (415) 802-3391 or +44 20 7946 0958'
    assert.equal(new genie.Redactor().redact(local).text, 'call <PHONE> or <PHONE>')
    assert.equal(new genie.Redactor({ phone_region: null }).redact(local).text, 'call (415) 802-3391 or <PHONE>')
  })

  test('null-prototype objects and frozen objects are plain objects', () => {
    const config = Object.assign(Object.create(null), { operators: Object.freeze({ default: { type: 'remove' } }) })
    assert.equal(new genie.Redactor(config).redact(text).text, 'write to  or ')
  })

  test('a config of another type is INVALID_ARGUMENT', () => {
    for (const [config, got] of [[42, 'a number'], [true, 'a boolean'], [['x'], 'an Array'],
      [() => ({}), 'a function'], [Symbol('c'), 'a symbol'], [new Map(), 'an object']]) {
      assertGenieError(
        thrown(() => new genie.Redactor(config)),
        'INVALID_ARGUMENT',
        new RegExp(`^config: expected a config object, JSON text or a file path, got ${got}$`)
      )
    }
  })
})

describe('hash operator key from the environment', () => {
  const config = { hash_key_env: 'GENIE_NODE_TEST_HASH_KEY', operators: { default: { type: 'hash' } } }

  test('is read when the redactor is made', () => {
    delete process.env.GENIE_NODE_TEST_HASH_KEY
    assertGenieError(
      thrown(() => new genie.Redactor(config)),
      'INVALID_CONFIG',
      /^hash_key_env: the environment variable "GENIE_NODE_TEST_HASH_KEY" is not set/
    )
    process.env.GENIE_NODE_TEST_HASH_KEY = fixture.hash_key
    const redactor = new genie.Redactor(config)
    assert.equal(redactor.redact('jane@example.com').text, '<EMAIL:b0b6393a>')
    process.env.GENIE_NODE_TEST_HASH_KEY = 'another key'
    assert.equal(redactor.redact('jane@example.com').text, '<EMAIL:b0b6393a>', 'kept from construction')
    assert.notEqual(new genie.Redactor(config).redact('jane@example.com').text, '<EMAIL:b0b6393a>')
    delete process.env.GENIE_NODE_TEST_HASH_KEY
  })

  test('never appears in an error message', () => {
    setFixtureKey()
    const err = thrown(() => new genie.Redactor({ hash_key_env: fixture.hash_key_env, operators: { default: { type: 'scramble' } } }))
    assert.ok(!err.message.includes(fixture.hash_key))
  })
})

describe('UTF-16 offsets', () => {
  const values = ['jane.doe@example.com', '203.0.113.9', '+1 415 802 3391', 'DE89 3704 0044 0532 0130 00']
  const contexts = [
    ['accents', 'Réservé à Zoë Çelik — naïve café, déjà vu: '],
    ['cjk', '東京都千代田区の山田太郎さんへ、連絡先は '],
    ['rtl-hebrew', 'שלום עולם, כתובת: '],
    ['rtl-arabic', 'مرحبا بالعالم، البريد: '],
    ['emoji-zwj', '👩‍💻👨‍👩‍👧‍👦🏳️‍🌈👍🏽 ping '],
    ['combining', 'e\u0301 a\u0308 n\u0303 '],
    ['astral', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁 '],
  ]
  const redactor = new genie.Redactor(PLACEHOLDERS)

  for (const [name, context] of contexts) {
    test(`${name}: text.slice(start, end) is the value, for find, redact and streams`, () => {
      const text = values.map((v) => `${context}${v} ${context}`).join('\n')
      const found = redactor.find(text)
      assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), values)
      const out = redactor.redact(text)
      assert.deepEqual(out.findings.map((f) => text.slice(f.start, f.end)), values)
      assert.equal(redactor.restore(out.text, out.mapping), text)
      for (const [cut, chunks] of chunkings(text, 7)) {
        const streamed = streamAll(redactor, chunks)
        assert.equal(streamed.text, out.text, cut)
        assert.deepEqual(streamed.findings, out.findings, cut)
      }
    })
  }
})

describe('restore', () => {
  const redactor = new genie.Redactor(PLACEHOLDERS)

  test('puts values back into a model answer; unknown placeholders stay', () => {
    const out = redactor.redact('From ann@example.com to raj@example.com')
    assert.equal(
      redactor.restore('Reply to [EMAIL_2], cc [EMAIL_1]; not [EMAIL_3] or [email_1]', out.mapping),
      'Reply to raj@example.com, cc ann@example.com; not [EMAIL_3] or [email_1]'
    )
    assert.equal(redactor.restore('nothing to do', {}), 'nothing to do')
    assert.equal(redactor.restore('', out.mapping), '')
  })

  test('any redactor restores with any mapping, even one written by hand', () => {
    const mapping = { '[PERSON_1]': 'Zoë Çelik 👩‍💻', '[ACME_ID_7]': 'ACME-123456' }
    assert.equal(new genie.Redactor().restore('[PERSON_1] has [ACME_ID_7]', mapping), 'Zoë Çelik 👩‍💻 has ACME-123456')
  })

  test('a bad mapping is INVALID_ARGUMENT', () => {
    for (const [mapping, message] of [
      [null, /^mapping: expected an object of placeholders to values \(as redact\(\) returns\), got null$/],
      [undefined, /got undefined$/],
      ['[EMAIL_1]', /got a string$/],
      [[['[EMAIL_1]', 'a@b.c']], /got an Array$/],
      [{ '[EMAIL_1]': 42 }, /^mapping\["\[EMAIL_1\]"\]: expected a string, got a number$/],
      [{ '[EMAIL_1]': null }, /^mapping\["\[EMAIL_1\]"\]: expected a string, got null$/],
    ]) {
      assertGenieError(thrown(() => redactor.restore('x', mapping)), 'INVALID_ARGUMENT', message)
    }
  })
})

describe('StreamRedactor', () => {
  const redactor = new genie.Redactor(PLACEHOLDERS)

  test('a value split across chunks is caught', () => {
    const out = streamAll(redactor, ['mail jane.doe@ex', 'ample.com now'])
    assert.equal(out.text, 'mail [EMAIL_1] now')
    assert.deepEqual(out.mapping, { '[EMAIL_1]': 'jane.doe@example.com' })
    assert.deepEqual(out.counts, { EMAIL: 1 })
    assert.deepEqual(out.findings, [{ type: 'EMAIL', start: 5, end: 25, operator: 'placeholder' }])
  })

  test('random cuts of a long mixed text equal whole-text redaction', () => {
    const pieces = [
      'Patient Zoë Çelik (DOB 04/12/1961) wrote from zoe.celik@example.fr. ',
      '東京の田中さん: +81 3-1234-5678, 203.0.113.77 — ',
      'שלום, כרטיס 4111 1111 1111 1111 👩‍💻👨‍👩‍👧 ',
      'see https://example.com/a/very/long/path?with=query&and=more#frag ',
      'IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789. ',
      'lorem ipsum dolor sit amet '.repeat(12),
    ]
    const text = Array.from({ length: 40 }, (_, i) => pieces[(i * 7) % pieces.length]).join('')
    const whole = redactor.redact(text)
    assert.ok(whole.findings.length > 30)
    for (const [cut, chunks] of chunkings(text, 99)) {
      const out = streamAll(redactor, chunks)
      assert.equal(out.text, whole.text, cut)
      assert.deepEqual(out.findings, whole.findings, cut)
      assert.deepEqual(out.counts, whole.counts, cut)
      assert.deepEqual(out.mapping, whole.mapping, cut)
      assertOffsetsFit(text, out.findings, cut)
    }
  })

  test('output is released as it streams, not all at flush', () => {
    const stream = new genie.StreamRedactor(redactor)
    let released = ''
    for (let i = 0; i < 200; i++) released += stream.push('lorem ipsum dolor sit amet ')
    assert.ok(released.length > 4000, `released ${released.length} of 5400`)
  })

  test('a surrogate pair split between two chunks is joined', () => {
    const stream = new genie.StreamRedactor(redactor)
    let out = stream.push('hi \uD83D')
    out += stream.push('')
    out += stream.push('\uDC4D ann@example.com \uD83C')
    out += stream.push('\uDFF3\uFE0F')
    out += stream.flush()
    assert.equal(out, 'hi 👍 [EMAIL_1] 🏳️')
    assert.deepEqual(stream.findings, [{ type: 'EMAIL', start: 6, end: 21, operator: 'placeholder' }])
  })

  test('a lone surrogate is INVALID_UTF8 and leaves the stream unchanged', () => {
    const stream = new genie.StreamRedactor(redactor)
    let out = stream.push('mail ann@')
    assertGenieError(
      thrown(() => stream.push('ex\uDC4Dample.com')),
      'INVALID_UTF8',
      /^chunk: a lone surrogate \(U\+DC4D\) at UTF-16 offset 11: /
    )
    assertGenieError(thrown(() => stream.push('x\uD800y')), 'INVALID_UTF8', /offset 10/)
    out += stream.push('example.com \uD83D')
    assertGenieError(
      thrown(() => stream.push('x')),
      'INVALID_UTF8',
      /^chunk: the high surrogate U\+D83D at UTF-16 offset 21 of the stream/
    )
    assertGenieError(thrown(() => stream.flush()), 'INVALID_UTF8', /high surrogate U\+D83D/)
    out += stream.push('\uDE00 bye')
    out += stream.flush()
    assert.equal(out, 'mail [EMAIL_1] 😀 bye')
    assert.deepEqual(stream.findings.map((f) => [f.start, f.end]), [[5, 20]])
  })

  test('getters follow the stream and return fresh plain objects', () => {
    const stream = new genie.StreamRedactor(redactor)
    assert.deepEqual([stream.findings, stream.counts, stream.mapping], [[], {}, {}])
    stream.push('a@example.com, b@example.com and a@example.com; ' + 'filler text '.repeat(100))
    assert.deepEqual(stream.counts, { EMAIL: 3 })
    assert.deepEqual(stream.mapping, { '[EMAIL_1]': 'a@example.com', '[EMAIL_2]': 'b@example.com' })
    const mapping = stream.mapping
    mapping['[EMAIL_1]'] = 'changed'
    assert.equal(stream.mapping['[EMAIL_1]'], 'a@example.com')
    for (const value of [stream.findings[0], stream.counts, stream.mapping]) {
      assert.equal(Object.getPrototypeOf(value), Object.prototype)
    }
  })

  test('streams of one redactor are independent', () => {
    const a = new genie.StreamRedactor(redactor)
    const b = new genie.StreamRedactor(redactor)
    a.push('x@example.com ')
    b.push('y@example.com ')
    assert.equal(a.flush(), '[EMAIL_1] ')
    assert.deepEqual(b.mapping, {}, 'nothing released yet')
    assert.equal(b.flush(), '[EMAIL_1] ')
    assert.deepEqual(a.mapping, { '[EMAIL_1]': 'x@example.com' })
    assert.deepEqual(b.mapping, { '[EMAIL_1]': 'y@example.com' })
  })

  test('the constructor wants a Redactor', () => {
    const fake = Object.create(genie.Redactor.prototype)
    for (const [value, got] of [[undefined, 'undefined'], [null, 'null'], [{}, 'an object'],
      [fake, 'an object'], [new genie.SseParser(), 'an object'], ['{}', 'a string']]) {
      assertGenieError(
        thrown(() => new genie.StreamRedactor(value)),
        'INVALID_ARGUMENT',
        new RegExp(`^redactor: expected a Redactor \\(new Redactor\\(config\\)\\), got ${got}$`)
      )
    }
  })
})

test('results are plain, JSON-safe objects', () => {
  const out = new genie.Redactor(PLACEHOLDERS).redact('mail ann@example.com')
  for (const value of [out, out.findings[0], out.mapping, out.counts]) {
    assert.equal(Object.getPrototypeOf(value), Object.prototype)
  }
  assert.ok(Array.isArray(out.findings))
  assert.deepEqual(JSON.parse(JSON.stringify(out)), out)
})
