// Compiled (never run) by `npm run typecheck`: proves the generated index.d.ts is valid
// TypeScript and describes the API as a TypeScript user writes against it. A change to the
// Rust sources that loosens or breaks a type fails here.
import {
  Redactor,
  SseParser,
  StreamDecoder,
  StreamRedactor,
  StreamRestorer,
  errorTable,
  version,
  type Finding,
  type FinishReason,
  type Operator,
  type Redacted,
  type RedactorConfig,
  type SseEvent,
  type StreamEvent,
  type StreamSummary,
} from './index'

const parser = new SseParser({ maxLineBytes: 1 << 20, maxEventBytes: null })
const events: SseEvent[] = parser.feed(Buffer.from('data: x\n\n'))
const first: string | undefined = events[0]?.data
const retry: number | null = parser.retryMs
const lastId: string = parser.lastEventId
parser.finish()

const decoder = new StreamDecoder('anthropic', {})
const decoded: StreamEvent[] = decoder.feed(new Uint8Array(0))
for (const event of decoded) {
  switch (event.type) {
    case 'text': {
      const text: string = event.text
      break
    }
    case 'usage': {
      const input: number | null = event.usage.inputTokens
      break
    }
    case 'finish': {
      const reason: FinishReason = event.finishReason
      const raw: string = event.rawFinishReason
      break
    }
    case 'error': {
      const code: string | null = event.error.code
      const kind: 'rate_limit' | 'overloaded' | 'invalid_request' | 'content_filter' | 'other' =
        event.error.kind
      break
    }
    case 'malformed': {
      const payload: string = event.payload
      break
    }
    default: {
      const never: never = event
      throw new Error(`unreachable ${String(never)}`)
    }
  }
}
const summary: StreamSummary = decoder.finish()
const complete: boolean = summary.complete
const finish: FinishReason | null = summary.finishReason
const provider: 'gemini' | 'openai' | 'openai-responses' | 'anthropic' = decoder.provider
const table: Array<{ code: string; status: number }> = errorTable()
const v: string = version()

const config: RedactorConfig = {
  profile: 'healthcare',
  entities: ['EMAIL', 'PHONE', 'ACME_MRN'],
  operators: {
    default: { type: 'placeholder' },
    EMAIL: { type: 'mask', keep_last: 4, char: '*' },
    US_SSN: { type: 'hash' },
  },
  allowlist: {
    values: ['support@acme.com'],
    patterns: ['*@acme.com'],
    regex: ['^10\\.0\\.'],
    by_type: { EMAIL: { values: [] } },
  },
  custom: [{ type: 'ACME_MRN', regex: 'ACME-\\d{6}', context: ['mrn'] }],
  phone_region: null,
  hash_key_env: 'GENIE_REDACT_KEY',
  dates: true,
}
const redactor = new Redactor(config)
new Redactor()
new Redactor(null)
new Redactor('{"profile": "tech"}')
const redacted: Redacted = redactor.redact('mail jane@example.com')
const safeText: string = redacted.text
const placeholderValue: string | undefined = redacted.mapping['[EMAIL_1]']
const emailCount: number | undefined = redacted.counts.EMAIL
const found: Finding[] = redactor.find('mail jane@example.com')
const operator: Operator | null = found[0]?.operator ?? null
const spanStart: number | undefined = found[0]?.start
const restored: string = redactor.restore(safeText, redacted.mapping)
const later: Promise<Redacted> = redactor.redactAsync('mail jane@example.com')
const stream = new StreamRedactor(redactor)
const released: string = stream.push('jane@ex') + stream.push('ample.com') + stream.flush()
const streamFindings: Finding[] = stream.findings
const streamCounts: Record<string, number> = stream.counts
const streamMapping: Record<string, string> = stream.mapping
const restorer = new StreamRestorer(redacted.mapping)
const restoredStream: string = restorer.push('[EMA') + restorer.push('IL_1]') + restorer.flush()

// @ts-expect-error config keys are snake_case, as in a config file
new Redactor({ phoneRegion: 'US' })
// @ts-expect-error an unknown operator is a type error
new Redactor({ operators: { EMAIL: { type: 'scramble' } } })
// @ts-expect-error an unknown profile is a type error
new Redactor({ profile: 'finance' })
// @ts-expect-error text, not bytes
redactor.redact(Buffer.from('x'))
// @ts-expect-error a stream needs a Redactor
new StreamRedactor({})
// @ts-expect-error a restorer needs a mapping
new StreamRestorer()

// @ts-expect-error an unknown provider name is a type error
new StreamDecoder('palm')
// @ts-expect-error text must be encoded first
parser.feed('data: x\n\n')
// @ts-expect-error options use camelCase names
new SseParser({ max_line_bytes: 10 })

export { first, retry, lastId, complete, finish, provider, table, v }
export { placeholderValue, emailCount, operator, spanStart, restored, later, released }
export { restoredStream }
export { streamFindings, streamCounts, streamMapping }
