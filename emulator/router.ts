/**
 * The emulator's tiny router: route patterns with `:param` segments (a segment may also have a literal
 * prefix, as in `clerk-js@:version`), and the `*` / `**` globs that fault injection matches paths with.
 */

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; prefix: string; name: string }

export interface CompiledPattern {
  pattern: string
  segments: Segment[]
}

export function compilePattern(pattern: string): CompiledPattern {
  const segments = splitPath(pattern).map((text): Segment => {
    const colon = text.indexOf(':')
    if (colon === -1) return { kind: 'literal', text }
    return { kind: 'param', prefix: text.slice(0, colon), name: text.slice(colon + 1) }
  })
  return { pattern, segments }
}

/** The params when `path` matches, else null. Params are URL-decoded and never empty. */
export function matchPattern(
  compiled: CompiledPattern,
  path: string,
): Record<string, string> | null {
  const parts = splitPath(path)
  if (parts.length !== compiled.segments.length) return null
  const params: Record<string, string> = {}
  for (const [i, segment] of compiled.segments.entries()) {
    const part = parts[i] ?? ''
    if (segment.kind === 'literal') {
      if (part !== segment.text) return null
      continue
    }
    if (!part.startsWith(segment.prefix) || part.length === segment.prefix.length) return null
    try {
      params[segment.name] = decodeURIComponent(part.slice(segment.prefix.length))
    } catch {
      return null
    }
  }
  return params
}

/** `*` matches one path segment, `**` any number (including none); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? ''
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') {
      source += '[^/]+'
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '')
  return trimmed === '' ? [] : trimmed.split('/')
}
