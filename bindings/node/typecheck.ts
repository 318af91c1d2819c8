// Compiled (never run) by `npm run typecheck`: proves the generated index.d.ts is valid
// TypeScript and describes the API as a TypeScript user writes against it. A change to the
// Rust sources that loosens or breaks a type fails here.
import {
  SseParser,
  StreamDecoder,
  errorTable,
  version,
  type FinishReason,
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

// @ts-expect-error an unknown provider name is a type error
new StreamDecoder('palm')
// @ts-expect-error text must be encoded first
parser.feed('data: x\n\n')
// @ts-expect-error options use camelCase names
new SseParser({ max_line_bytes: 10 })

export { first, retry, lastId, complete, finish, provider, table, v }
