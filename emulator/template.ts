/**
 * Clerk's session-token template language (the "shortcodes" of Clerk's JWT-template and
 * customize-session-token docs), applied to the emulator's user data:
 *
 * - a string that is exactly one `{{path}}` becomes the typed value at that path, or `null` when missing;
 * - shortcodes inside a longer string are interpolated and the result is always a string (missing
 *   values read `null`, objects are JSON), trimmed as in Clerk's documented example;
 * - `{{a || b || 'literal'}}` yields the first operand that is neither null nor false, else the last one;
 *   literal operands are quoted strings, numbers and booleans;
 * - strings without shortcodes, numbers, booleans and null pass through; objects and arrays are rendered
 *   recursively;
 * - default claims cannot be set by a template (`RESERVED_CLAIMS`).
 */

export const RESERVED_CLAIMS: readonly string[] = [
  'act',
  'azp',
  'exp',
  'fea',
  'fva',
  'iat',
  'iss',
  'jti',
  'nbf',
  'o',
  'pla',
  'sid',
  'sts',
  'sub',
  'v',
]

export type TemplateContext = Record<string, unknown>

/** Renders a claims template; reserved (default) claims in the template are dropped. */
export function renderTemplate(
  template: Record<string, unknown>,
  context: TemplateContext,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(template)) {
    if (RESERVED_CLAIMS.includes(key)) continue
    claims[key] = renderValue(value, context)
  }
  return claims
}

export function reservedClaimsIn(template: Record<string, unknown>): string[] {
  return Object.keys(template).filter((key) => RESERVED_CLAIMS.includes(key))
}

export function renderValue(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') return renderString(value, context)
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context))
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderValue(item, context)]),
    )
  }
  return value
}

const WHOLE = /^\{\{([\s\S]*?)\}\}$/
const EACH = /\{\{([\s\S]*?)\}\}/g

function renderString(text: string, context: TemplateContext): unknown {
  if (!text.includes('{{')) return text
  const trimmed = text.trim()
  const whole = WHOLE.exec(trimmed)
  if (whole && !whole[1]?.includes('{{') && !whole[1]?.includes('}}')) {
    return evaluateExpression(whole[1] ?? '', context)
  }
  return trimmed
    .replace(EACH, (_match, expression: string) =>
      interpolated(evaluateExpression(expression, context)),
    )
    .trim()
}

function interpolated(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** Evaluates the inside of one `{{ ... }}`: operands joined by `||`. */
function evaluateExpression(expression: string, context: TemplateContext): unknown {
  const operands = splitOperands(expression)
  if (operands === null) return null
  let value: unknown = null
  for (const operand of operands) {
    value = evaluateOperand(operand, context)
    if (value !== null && value !== false) return value
  }
  return value
}

/** Splits on `||` outside quotes; `null` for an unterminated quote or an empty operand. */
function splitOperands(expression: string): string[] | null {
  const operands: string[] = []
  let current = ''
  let quote: string | null = null
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i] ?? ''
    if (quote) {
      if (char === quote) quote = null
      current += char
    } else if (char === "'" || char === '"') {
      quote = char
      current += char
    } else if (char === '|' && expression[i + 1] === '|') {
      operands.push(current.trim())
      current = ''
      i++
    } else {
      current += char
    }
  }
  if (quote) return null
  operands.push(current.trim())
  return operands.every((operand) => operand !== '') ? operands : null
}

const NUMBER = /^-?\d+(\.\d+)?$/
const PATH = /^[A-Za-z_]\w*(\.[^.\s'"|]+)*$/

function evaluateOperand(operand: string, context: TemplateContext): unknown {
  const first = operand[0]
  if ((first === "'" || first === '"') && operand.length >= 2 && operand.endsWith(first)) {
    const inner = operand.slice(1, -1)
    return inner.includes(first) ? null : inner
  }
  if (NUMBER.test(operand)) return Number(operand)
  if (operand === 'true') return true
  if (operand === 'false') return false
  if (!PATH.test(operand)) return null
  return lookup(context, operand.split('.'))
}

function lookup(root: unknown, path: string[]): unknown {
  let node = root
  for (const segment of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, segment)) return null
    node = node[segment]
  }
  return node === undefined ? null : node
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
