/**
 * The error contract cannot drift. Its sources: the handler's codes and statuses (`ERROR_STATUS`,
 * server/errors.ts); the element's status → code map (`ERROR_TABLE`, with the statuses it leaves
 * to the fallback declared in `FALLBACK_STATUSES`, src/save.ts and src/save-fallbacks.ts) and its
 * messages (`defaultStrings`, src/birthday-editor.ts).
 * Checked against them: each other, the README's contract table, the handler's step list (the
 * header of server/handler.ts) and the element's documented codes (the `BirthdayEditorErrorCode`
 * type, the header's `@fires`, the README's events table). The README's "Adding an error code"
 * says what to touch; a place left out fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_STATUS, type ErrorCode } from '../server/errors.ts'
import { defaultStrings } from '../src/birthday-editor.ts'
import { ERROR_TABLE, errorCodeFor } from '../src/save.ts'
import { FALLBACK_STATUSES } from '../src/save-fallbacks.ts'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const readme = read('README.md')

const codes = Object.keys(ERROR_STATUS) as ErrorCode[]
const statusOf = (code: string) => ERROR_STATUS[code as ErrorCode] as number | undefined
const serverStatuses = codes.map((code) => ERROR_STATUS[code] as number)
const tableStatuses = Object.keys(ERROR_TABLE).map(Number)

/** The element's error codes, from the `BirthdayEditorErrorCode` union in src/events.ts. */
const elementCodes = (() => {
  const union = /export type BirthdayEditorErrorCode =([^;]*?)\n\n/.exec(read('src/events.ts'))
  return [...(union?.[1] ?? '').matchAll(/'([\w-]+)'/g)].map(([, code]) => code!)
})()

/** The backticked names in `text`, leaving out what stands in parentheses. */
const named = (text: string) =>
  [...text.replace(/\([^)]*\)/g, '').matchAll(/`([\w-]+)`/g)].map(([, name]) => name!)

describe('the handler’s codes', () => {
  it('have one status each, and each status has one code (the element tells them apart by status)', () => {
    expect(codes.length).toBeGreaterThan(10)
    for (const status of serverStatuses) expect(status).toBeGreaterThanOrEqual(400)
    const shared = serverStatuses.filter((status, i) => serverStatuses.indexOf(status) !== i)
    expect(shared, 'statuses answered with more than one code').toEqual([])
  })

  it('include the contract’s 408 and 409', () => {
    expect(serverStatuses).toContain(408)
    expect(serverStatuses).toContain(409)
  })

  /** The modules of server/ (not its tests or test support), where the codes are thrown. */
  const sources = readdirSync(new URL('../server/', import.meta.url), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => !file.startsWith('testing/') && !file.startsWith('snippets/'))
    .map((file) => read(`server/${file}`))

  it.each(codes)('%s is answered somewhere in server/ (no dead code)', (code) => {
    // The table itself names its codes without quotes; a use quotes it.
    expect(sources.some((source) => source.includes(`'${code}'`))).toBe(true)
  })
})

describe('the element’s status map', () => {
  it.each(codes.map((code) => [code, ERROR_STATUS[code]] as const))(
    '%s (%i) has a row in ERROR_TABLE or is a declared fallback',
    (code, status) => {
      const rows = Number(status in ERROR_TABLE) + Number(FALLBACK_STATUSES.includes(status))
      const where = 'ERROR_TABLE (src/save.ts) or FALLBACK_STATUSES (src/save-fallbacks.ts)'
      expect(rows, `${status} ${code}: exactly once in ${where}`).toBe(1)
    },
  )

  it('maps no status the handler does not answer, and declares each fallback once', () => {
    expect(tableStatuses.filter((status) => !serverStatuses.includes(status))).toEqual([])
    expect(FALLBACK_STATUSES.filter((status) => !serverStatuses.includes(status))).toEqual([])
    expect(new Set(FALLBACK_STATUSES).size).toBe(FALLBACK_STATUSES.length)
  })

  it('names, in each row’s comment, the server code of its status', () => {
    const comments = [
      ...read('src/save.ts').matchAll(/^ {2}(\d{3}): '[\w-]+', \/\/ (\w+)/gm),
      ...read('src/save-fallbacks.ts').matchAll(/^ {2}(\d{3}), \/\/ (\w+)/gm),
    ].map(([, status, code]) => [Number(status), statusOf(code!)])
    expect(comments.length).toBe(tableStatuses.length + FALLBACK_STATUSES.length)
    for (const [status, codeStatus] of comments) expect(codeStatus).toBe(status)
  })
})

describe('the element’s codes', () => {
  const header = /@fires \{BirthdayEditorErrorEvent\} birthday-editor-error - ([^\n]+)/.exec(
    read('src/birthday-editor.ts'),
  )![1]!
  const events = readme.slice(
    readme.indexOf('| `birthday-editor-error`'),
    readme.indexOf('### Styling'),
  )
  const lead = '`{ code, message }`:'
  const readmeRow = events.slice(events.indexOf(lead) + lead.length, events.indexOf('`message` is'))

  it('are exactly those of BirthdayEditorErrorEvent, in the header and the README', () => {
    expect(elementCodes.length).toBeGreaterThan(5)
    expect(named(header.slice(header.indexOf('Codes:'))).sort()).toEqual([...elementCodes].sort())
    expect(named(readmeRow).sort()).toEqual([...elementCodes].sort())
  })

  it.each(elementCodes)('%s has a default message', (code) => {
    expect((defaultStrings as Record<string, unknown>)[code]).toEqual(expect.any(String))
  })

  it.each(elementCodes)('%s is documented in the README and the header', (code) => {
    expect(readmeRow).toContain(`\`${code}\``)
    expect(header).toContain(`\`${code}\``)
  })

  /** Every status the handler answers, plus the element's own rows, plus two it does not know. */
  const statuses = [...new Set([...serverStatuses, ...tableStatuses, 418, 599])].sort()

  it.each(statuses)('status %i maps to an element code with a message', (status) => {
    expect(elementCodes).toContain(errorCodeFor(status))
    expect(defaultStrings[errorCodeFor(status)]).toEqual(expect.any(String))
  })
})

describe('the README’s contract table', () => {
  const marker = readme.indexOf('<!-- error-codes:')
  const rows = readme
    .slice(marker, readme.indexOf('\n\n', readme.indexOf('| Status', marker)))
    .split('\n')
    .filter((line) => /^\| \d{3}/.test(line))
    .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()))
    .map(([, status, code, element]) => ({
      status: Number(status),
      code: code!.replace(/`/g, ''),
      element: element!.replace(/`/g, ''),
    }))

  it('lists exactly the handler’s codes, with their statuses and the element’s codes', () => {
    expect(marker).toBeGreaterThan(0)
    const expected = codes
      .map((code) => {
        const status: number = ERROR_STATUS[code]
        return { status, code, element: errorCodeFor(status) }
      })
      .sort((a, b) => a.status - b.status)
    expect(rows).toEqual(expected)
  })
})

describe('the handler’s step list', () => {
  const source = read('server/handler.ts')
  const start = source.indexOf('Every request goes through the same steps')
  // The paragraph: up to the next empty comment line or the end of the comment.
  const end = Math.min(
    ...['\n *\n', '\n */'].map((next) => source.indexOf(next, start)).filter((i) => i > 0),
  )
  const steps = source.slice(start, end).replace(/\n \*/g, '')
  const pairs = [...steps.matchAll(/`(\w+)` (\d{3})/g)].map(([, code, status]) => ({
    code: code!,
    status: Number(status),
  }))

  it('names each status with its code', () => {
    expect(start).toBeGreaterThan(0)
    expect(pairs.length).toBeGreaterThan(10)
    expect(steps.match(/\b\d{3}\b/g)?.length).toBe(pairs.length)
  })

  it.each(pairs)('$code $status is a code of the handler with that status', ({ code, status }) => {
    expect(statusOf(code)).toBe(status)
  })
})
