// Replays tests/fixtures/pii/redaction.json (format in tests/fixtures/pii/README.md), every
// case: redact, find, counts, mapping, restore round trips and UTF-16 offsets, with the config
// given as an object and as JSON text, through redactAsync, and through a StreamRedactor and a
// StreamRestorer under every chunking of redact-helpers.js (one UTF-16 unit at a time
// included, which splits surrogate pairs and placeholders). Config-error cases
// must fail with their code and a message naming the bad value's path.
'use strict'

const assert = require('node:assert/strict')
const { describe, test, before } = require('node:test')

const {
  genie,
  fixture,
  setFixtureKey,
  expectedFindings,
  chunkings,
  streamAll,
  thrown,
  assertGenieError,
} = require('./redact-helpers')

/** The config as the two forms Node takes inline: the object, and JSON text. */
function configForms(config) {
  if (config === null) return [['default (undefined)', undefined], ['null', null]]
  return [
    ['object', config],
    ['JSON text', JSON.stringify(config, null, 2)],
  ]
}

describe('pii/redaction.json', () => {
  before(setFixtureKey)

  test('has cases of every kind the format names', () => {
    const covers = new Set(fixture.cases.flatMap((c) => c.covers))
    for (const tag of ['operator:replace', 'operator:mask', 'operator:hash', 'operator:remove',
      'operator:placeholder', 'restore', 'error', 'text:accents', 'text:cjk', 'text:rtl',
      'text:emoji-zwj', 'counts']) {
      assert.ok(covers.has(tag), tag)
    }
    assert.ok(fixture.cases.length >= 40)
  })

  for (const c of fixture.cases) {
    if (c.error) {
      test(`${c.name}: fails with ${c.error.code} naming ${c.error.path}`, () => {
        for (const [form, config] of configForms(c.config)) {
          const err = thrown(() => new genie.Redactor(config))
          assertGenieError(err, c.error.code)
          assert.ok(
            err.message.includes(c.error.path),
            `${form}: ${JSON.stringify(err.message)} names ${c.error.path}`
          )
        }
      })
      continue
    }

    test(`${c.name}`, async () => {
      const { expect } = c
      const findings = expectedFindings(expect)
      const mapping = expect.mapping ?? {}
      for (const f of expect.findings) {
        assert.equal(c.input.slice(f.start_utf16, f.end_utf16), f.value, 'the fixture itself')
      }
      for (const [form, config] of configForms(c.config)) {
        const where = `${c.name} (config ${form})`
        const redactor = new genie.Redactor(config)

        const out = redactor.redact(c.input)
        assert.deepEqual(Object.keys(out), ['text', 'findings', 'mapping', 'counts'], where)
        assert.equal(out.text, expect.text, `${where}: text`)
        assert.deepEqual(out.findings, findings, `${where}: findings`)
        assert.deepEqual(out.counts, expect.counts, `${where}: counts`)
        assert.deepEqual(out.mapping, mapping, `${where}: mapping`)
        for (const f of out.findings) {
          assert.deepEqual(Object.keys(f), ['type', 'start', 'end', 'operator'], where)
        }

        assert.deepEqual(
          redactor.find(c.input),
          expectedFindings(expect, { fromFind: true }),
          `${where}: find`
        )
        assert.deepEqual(await redactor.redactAsync(c.input), out, `${where}: redactAsync`)

        for (const pair of c.restore ?? []) {
          assert.equal(redactor.restore(pair.text, out.mapping), pair.expect, `${where}: restore`)
          // A mapping kept as JSON (in a session store, say) restores the same.
          const stored = JSON.parse(JSON.stringify(out.mapping))
          assert.equal(redactor.restore(pair.text, stored), pair.expect, `${where}: stored`)
        }
      }
    })

    test(`${c.name}: StreamRestorer under every chunking`, () => {
      const mapping = c.expect?.mapping ?? {}
      for (const pair of c.restore ?? []) {
        for (const [name, chunks] of chunkings(pair.text, c.name.length)) {
          const restorer = new genie.StreamRestorer(mapping)
          const out = chunks.map((chunk) => restorer.push(chunk)).join('') + restorer.flush()
          assert.equal(out, pair.expect, `${c.name} chunked ${name}: ${pair.text}`)
        }
      }
    })

    test(`${c.name}: StreamRedactor under every chunking`, () => {
      const { expect } = c
      const redactor = new genie.Redactor(c.config)
      for (const [name, chunks] of chunkings(c.input, c.name.length)) {
        assert.equal(chunks.join(''), c.input)
        const where = `${c.name} chunked ${name}`
        const out = streamAll(redactor, chunks)
        assert.equal(out.text, expect.text, `${where}: text`)
        assert.deepEqual(out.findings, expectedFindings(expect), `${where}: findings`)
        assert.deepEqual(out.counts, expect.counts, `${where}: counts`)
        assert.deepEqual(out.mapping, expect.mapping ?? {}, `${where}: mapping`)
      }
    })
  }
})
