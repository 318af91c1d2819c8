#!/usr/bin/env node
// Redacts a customer support ticket before it goes to a model, the way an app server would:
// PII becomes numbered placeholders, the counts go to the audit log (never the values), the
// model's answer gets the real values put back for the agent, and an answer streamed token by
// token is redacted on the way out.
//
//     node examples/node/redact.js
//
// Needs the addon built (bindings/node/ci.sh, or `npm run build` in bindings/node). An app
// that installed the package writes require('genie-core') instead of the path below.
'use strict'

const { Redactor, StreamRedactor, StreamRestorer } = require('../../bindings/node')

const ticket = `Subject: Refund for order 88213 — card charged twice

Hi, this is María José Gutiérrez. I was charged twice on my Visa 4111 1111 1111 1111 on
March 3rd. You can reach me at maria.gutierrez@example.com or +1 415 802 3391, or write to
1600 Amphitheatre Parkway, Mountain View, CA 94043. Please refund to IBAN
DE89 3704 0044 0532 0130 00. I already wrote to support@acme.com; my colleague
(joe.bloggs@example.com) had the same issue.
Order page: https://shop.example.com/orders/88213?ref=mail 🙏`

// Placeholders everywhere, except that our own support address is never redacted.
const redactor = new Redactor({
  operators: { default: { type: 'placeholder' } },
  allowlist: { values: ['support@acme.com'] },
})

const { text, findings, mapping, counts } = redactor.redact(ticket)
console.log('== prompt sent to the model (no PII)\n')
console.log(text)

console.log('\n== audit record (types and counts only)\n')
console.log(JSON.stringify({ ticket: 88213, redacted: counts }))

console.log('\n== findings (offsets are UTF-16: ticket.slice(start, end) is the value)\n')
for (const f of findings) {
  console.log(`${f.type.padEnd(16)} ${String(f.start).padStart(4)}..${String(f.end).padEnd(4)} ${f.operator}`)
}

// What a model might answer, using the placeholders it was given.
const answer =
  'Hello [PERSON_1], sorry about the double charge on [CREDIT_CARD_1]. We have refunded it to ' +
  '[IBAN_1] and sent a confirmation to [EMAIL_1]; we will also call you on [PHONE_1].'
console.log('\n== model answer, restored for the support agent\n')
console.log(redactor.restore(answer, mapping))
// Streamed, the answer arrives in tokens that cut placeholders ('[PHO' + 'NE_1]'): the stream
// restorer shows each token as soon as no placeholder can be waiting in it.
const restorer = new StreamRestorer(mapping)
let restored = ''
for (let i = 0; i < answer.length; i += 7) restored += restorer.push(answer.slice(i, i + 7))
restored += restorer.flush()
const same = restored === redactor.restore(answer, mapping)
console.log(`(restored as streamed tokens: ${same ? 'the same text' : 'DIFFERENT'})`)

// Output redaction: the model streams an answer that itself contains PII (here an e-mail
// address and a phone number, each split across tokens). The agent's screen only ever shows
// redacted text.
const plain = new Redactor()
const stream = new StreamRedactor(plain)
const tokens = ['Our billing team ', 'is at bill', 'ing@acme-', 'payments.com or +1 ', '212 555 0', '134; ',
  'your refund ', 'ref is R-2291.']
let shown = ''
for (const token of tokens) shown += stream.push(token)
shown += stream.flush()
console.log('\n== streamed answer, redacted on the way out\n')
console.log(shown)
console.log(JSON.stringify({ redacted: stream.counts }))
