// Shared by the redaction tests: the fixture file, the ways a text is cut into stream
// chunks (by UTF-16 unit, by code point, fixed and random sizes), streaming a text through a
// StreamRedactor, and the fixture's findings in Node's shape (UTF-16 offsets).
'use strict'

const assert = require('node:assert/strict')

const { genie, readJson, prng } = require('./helpers')

const fixture = readJson('pii/redaction.json')

/** Sets the fixture's hash key in the environment, as the fixture format asks. */
function setFixtureKey() {
  process.env[fixture.hash_key_env] = fixture.hash_key
}

/** A fixture case's expected findings as Node reports them (`operator` null from find). */
function expectedFindings(expect, { fromFind = false } = {}) {
  return expect.findings.map((f) => ({
    type: f.type,
    start: f.start_utf16,
    end: f.end_utf16,
    operator: fromFind ? null : f.operator,
  }))
}

/** Cuts `text` into chunks of `sizes` UTF-16 units (cycling through them). */
function bySizes(text, sizes) {
  const chunks = []
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length]
    chunks.push(text.slice(i, i + size))
    i += size
  }
  return chunks
}

/**
 * The chunkings every stream test runs: the whole text, one UTF-16 unit at a time (which
 * splits every surrogate pair between two chunks), one code point at a time, fixed sizes,
 * and seeded random cuts (empty chunks included).
 */
function chunkings(text, seed = 1) {
  const cuts = [
    ['whole', [text]],
    ['utf16-units', Array.from({ length: text.length }, (_, i) => text[i])],
    ['code-points', [...text]],
    ['sizes-2-3-7', bySizes(text, [2, 3, 7])],
    ['size-64', bySizes(text, [64])],
    ['size-1000', bySizes(text, [1000])],
  ]
  const random = prng(seed)
  for (let round = 0; round < 4; round++) {
    const chunks = []
    for (let i = 0; i < text.length; ) {
      const size = Math.floor(random() * (round === 0 ? 4 : 200))
      chunks.push(text.slice(i, i + size))
      i += size
    }
    cuts.push([`random-${round}`, chunks])
  }
  return cuts
}

/** Streams `chunks` through a new StreamRedactor of `redactor`. */
function streamAll(redactor, chunks) {
  const stream = new genie.StreamRedactor(redactor)
  let text = ''
  for (const chunk of chunks) {
    const out = stream.push(chunk)
    assert.equal(typeof out, 'string')
    text += out
  }
  text += stream.flush()
  return { text, findings: stream.findings, counts: stream.counts, mapping: stream.mapping }
}

/** Asserts that every finding's offsets fit `text` and slice out a value. */
function assertOffsetsFit(text, findings, where) {
  let last = 0
  for (const f of findings) {
    assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end), `${where}: integer offsets`)
    assert.ok(last <= f.start && f.start < f.end && f.end <= text.length, `${where}: ${JSON.stringify(f)}`)
    last = f.end
  }
}

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

const STATUS = new Map(readJson('errors.json').errors.map((row) => [row.code, row.status]))

/** Asserts `err` is a genie error with `code` (and the table's status) matching `message`. */
function assertGenieError(err, code, message) {
  assert.ok(err instanceof Error, `an Error, got ${err}`)
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.equal(err.status, STATUS.get(code))
  if (message) assert.match(err.message, message)
}

module.exports = {
  genie,
  fixture,
  setFixtureKey,
  expectedFindings,
  bySizes,
  chunkings,
  streamAll,
  assertOffsetsFit,
  thrown,
  assertGenieError,
  prng,
}
