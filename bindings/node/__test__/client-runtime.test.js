// genie's runtime through Node: GENIE_WORKER_THREADS sets its worker threads (one when unset),
// a bad value of it or of GENIE_BLOCKING_SPIN_US (read with it, though Node has no blocking
// call to spin in) fails the first `new Client` with INVALID_CONFIG naming the variable, and a
// client on a runtime with several workers serves calls. Each case runs in a fresh process,
// since the runtime starts once per process; workers are counted from /proc (Linux only).
'use strict'

const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { test, before, after } = require('node:test')

const h = require('./client-helpers')

const LINUX = fs.existsSync('/proc/self/task')

let mock
before(async () => {
  mock = await h.startMock()
})
after(async () => {
  await mock.stop()
})

/** Runs a fresh node with GENIE_WORKER_THREADS = `workers` (unset when undefined); sets
 * `variable` to `bad` before the first client when given, then to `fixed`. Resolves with what
 * the child saw. */
function run(workers, expected, bad, variable = 'GENIE_WORKER_THREADS', fixed = '3') {
  const script = `
    const fs = require('node:fs')
    const genie = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    process.env[${JSON.stringify(h.KEY_ENV)}] = 'k'
    const config = ${JSON.stringify(h.config(mock, { p: ['openai', 'runtime'] }))}
    const workers = () => fs.readdirSync('/proc/self/task')
      .filter((t) => fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim() === 'genie-worker').length
    ;(async () => {
      const out = {}
      const bad = ${JSON.stringify(bad ?? null)}
      if (bad !== null) {
        process.env[${JSON.stringify(variable)}] = bad
        try { new genie.Client(config) } catch (err) { out.error = { code: err.code, message: err.message } }
        process.env[${JSON.stringify(variable)}] = ${JSON.stringify(fixed)}
      }
      const client = new genie.Client(config)
      out.text = (await client.complete({ model: 'p', messages: [{ role: 'user', content: 'Hi' }] })).text
      // A thread takes its name once it runs: give the workers a moment to show up under theirs.
      const deadline = Date.now() + 5000
      while (workers() !== ${expected} && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      out.workers = workers()
      console.log(JSON.stringify(out))
    })().catch((err) => { console.error(err); process.exitCode = 3 })
  `
  const env = { ...process.env }
  delete env.GENIE_WORKER_THREADS
  delete env.GENIE_BLOCKING_SPIN_US
  if (workers !== undefined) env.GENIE_WORKER_THREADS = workers
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`exit ${code}: ${output}`))))
  })
}

test('one worker when GENIE_WORKER_THREADS is unset', { skip: !LINUX && 'needs /proc' }, async () => {
  assert.deepEqual(await run(undefined, 1), { text: h.CANONICAL, workers: 1 })
})

test('GENIE_WORKER_THREADS sets the workers', { skip: !LINUX && 'needs /proc' }, async () => {
  assert.deepEqual(await run('2', 2), { text: h.CANONICAL, workers: 2 })
})

test('a bad GENIE_WORKER_THREADS is INVALID_CONFIG naming it', { skip: !LINUX && 'needs /proc' }, async () => {
  const out = await run(undefined, 3, 'zero')
  assert.equal(out.error.code, 'INVALID_CONFIG')
  assert.match(out.error.message, /GENIE_WORKER_THREADS/)
  assert.match(out.error.message, /"zero"/)
  assert.equal(out.workers, 3)
  assert.equal(out.text, h.CANONICAL)
})

test('a bad GENIE_BLOCKING_SPIN_US is INVALID_CONFIG naming it', { skip: !LINUX && 'needs /proc' }, async () => {
  const out = await run(undefined, 1, '-1', 'GENIE_BLOCKING_SPIN_US', '200')
  assert.equal(out.error.code, 'INVALID_CONFIG')
  assert.match(out.error.message, /GENIE_BLOCKING_SPIN_US/)
  assert.match(out.error.message, /"-1"/)
  assert.equal(out.workers, 1)
  assert.equal(out.text, h.CANONICAL)
})
