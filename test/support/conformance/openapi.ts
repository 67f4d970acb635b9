/**
 * A small validator for OpenAPI 3.0 documents, enough to check a response against Clerk's published
 * specs: finds the operation for a method and concrete path, the response for a status, and validates
 * a JSON body against its schema. Supports `$ref` (local), `type`, `nullable`, `enum`, `properties`,
 * `required`, `additionalProperties` (boolean or schema), `items`, `allOf`, `oneOf` (with
 * `discriminator`), `anyOf`, `pattern`, `minimum`/`maximum`, `minLength`/`maxLength`,
 * `minItems`/`maxItems`. `format` is not checked (the specs use it as documentation), and neither are
 * `example`s and `x-` extensions.
 */

export type Schema = Record<string, unknown>

export interface SpecDocument {
  paths: Record<string, Record<string, unknown>>
  components?: Record<string, Record<string, unknown>>
}

export interface Problem {
  /** JSON pointer into the validated value, e.g. `/response/user/banned`. */
  at: string
  message: string
}

/** The outcome of looking a response up in a spec. */
export type ResponseLookup =
  | { kind: 'schema'; template: string; schema: Schema }
  | { kind: 'no-body'; template: string }
  | { kind: 'undocumented'; template: string | null; message: string }

/** An exception: a problem the check accepts because an SDK reads what the spec forbids. */
export interface Allowance {
  /** Matches `Problem.message` (a property name in an additionalProperties problem). */
  property: string
  /** The schema (a `#/components/schemas/…` name) whose `additionalProperties: false` it overrides. */
  schema: string
  /** Where the SDK reads it: package, file and line. */
  evidence: string
}

const NONE: ReadonlySet<string> = new Set()

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

export class OpenApiSpec {
  readonly #doc: SpecDocument
  readonly #templates: { template: string; regex: RegExp; literals: number }[]
  readonly #allowances: readonly Allowance[]

  constructor(doc: SpecDocument, allowances: readonly Allowance[] = []) {
    this.#doc = doc
    this.#allowances = allowances
    this.#templates = Object.keys(doc.paths).map((template) => {
      const source = template
        .split('/')
        .map((segment) =>
          segment.replace(/\{[^}]+\}|[^{]+/g, (part) =>
            part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          ),
        )
        .join('/')
      const literals = template.split('/').filter((segment) => !segment.includes('{')).length
      return { template, regex: new RegExp(`^${source}$`), literals }
    })
  }

  /** The response schema for `method path status`; a concrete path, without query. */
  lookup(method: string, path: string, status: number): ResponseLookup {
    // The most literal template wins (`/users/count` over `/users/{user_id}`).
    const candidates = this.#templates
      .filter(({ regex, template }) => regex.test(path) && this.#operation(template, method))
      .sort((a, b) => b.literals - a.literals)
    const found = candidates[0]
    if (!found) {
      return {
        kind: 'undocumented',
        template: null,
        message: `${method} ${path} is not in the spec`,
      }
    }
    const operation = this.#operation(found.template, method) as Schema
    const responses = (operation.responses ?? {}) as Record<string, unknown>
    const raw = responses[String(status)] ?? responses[`${String(status)[0]}XX`]
    if (raw === undefined) {
      return {
        kind: 'undocumented',
        template: found.template,
        message: `status ${status} is not documented for ${method} ${found.template} (documented: ${Object.keys(responses).join(', ')})`,
      }
    }
    const response = this.resolve(raw as Schema)
    const content = response.content as Record<string, { schema?: Schema }> | undefined
    const schema = content?.['application/json']?.schema
    if (!schema) return { kind: 'no-body', template: found.template }
    return { kind: 'schema', template: found.template, schema }
  }

  /** Validates `value` against `schema`; an empty list means it conforms. */
  validate(schema: Schema, value: unknown, at = ''): Problem[] {
    const problems: Problem[] = []
    this.#check(schema, value, at, problems, null)
    return problems
  }

  resolve(schema: Schema): Schema {
    let current = schema
    for (let depth = 0; typeof current.$ref === 'string'; depth += 1) {
      if (depth > 50) throw new Error(`$ref cycle at ${String(schema.$ref)}`)
      current = this.#pointer(current.$ref as string)
    }
    return current
  }

  #operation(template: string, method: string): Schema | undefined {
    const item = this.#doc.paths[template]
    const key = method.toLowerCase()
    if (!item || !METHODS.includes(key)) return undefined
    return item[key] as Schema | undefined
  }

  #pointer(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`)
    let node: unknown = this.#doc
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
      node = (node as Record<string, unknown> | undefined)?.[key]
    }
    if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`)
    return node as Schema
  }

  /** `name` is the component schema name being checked, for allowances. */
  #check(
    raw: Schema,
    value: unknown,
    at: string,
    out: Problem[],
    name: string | null,
    siblings: ReadonlySet<string> = NONE,
  ): void {
    const ref = typeof raw.$ref === 'string' ? raw.$ref : null
    const schemaName = ref?.startsWith('#/components/schemas/')
      ? ref.slice('#/components/schemas/'.length)
      : name
    const schema = this.resolve(raw)
    if (value === null) {
      if (schema.nullable === true || raw.nullable === true) return
      if (schema.enum && (schema.enum as unknown[]).includes(null)) return
      // `allOf: [$ref, { nullable: true }]`: the spec's way of saying "this object, or null".
      if (Array.isArray(schema.allOf) && this.#anyNullable(schema.allOf as Schema[])) return
      // A schema with no type and no combinator accepts anything.
      if (!schema.type && !schema.allOf && !schema.oneOf && !schema.anyOf && !schema.enum) return
      out.push({ at, message: 'is null but the schema is not nullable' })
      return
    }
    if (Array.isArray(schema.allOf)) {
      // additionalProperties: false in one part admits what the other parts declare.
      const declared = new Set([...siblings, ...this.#declared(schema)])
      for (const part of schema.allOf as Schema[]) {
        this.#check(part, value, at, out, schemaName, declared)
      }
    }
    if (Array.isArray(schema.anyOf)) {
      const options = schema.anyOf as Schema[]
      if (!options.some((option) => this.validate(option, value, at).length === 0)) {
        out.push({ at, message: `matches none of anyOf (${this.#names(options)})` })
      }
    }
    if (Array.isArray(schema.oneOf)) this.#checkOneOf(schema, value, at, out)
    if (typeof schema.type === 'string' && !hasType(schema.type, value)) {
      out.push({ at, message: `expected ${schema.type}, got ${describe(value)}` })
      return
    }
    if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) {
      out.push({
        at,
        message: `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`,
      })
    }
    if (typeof value === 'string') checkString(schema, value, at, out)
    if (typeof value === 'number') checkNumber(schema, value, at, out)
    if (Array.isArray(value)) this.#checkArray(schema, value, at, out)
    else if (typeof value === 'object') {
      this.#checkObject(schema, value as Record<string, unknown>, at, out, schemaName, siblings)
    }
  }

  #checkOneOf(schema: Schema, value: unknown, at: string, out: Problem[]): void {
    const options = schema.oneOf as Schema[]
    const discriminator = schema.discriminator as
      { propertyName: string; mapping?: Record<string, string> } | undefined
    if (discriminator && typeof value === 'object' && value !== null) {
      const tag = (value as Record<string, unknown>)[discriminator.propertyName]
      const mapped = typeof tag === 'string' ? discriminator.mapping?.[tag] : undefined
      const chosen = mapped
        ? [{ $ref: mapped }]
        : options.filter((option) => {
            const resolved = this.resolve(option)
            const property = (resolved.properties as Record<string, Schema> | undefined)?.[
              discriminator.propertyName
            ]
            const allowed = property && this.resolve(property).enum
            return Array.isArray(allowed) ? allowed.includes(tag) : false
          })
      if (chosen.length === 1 && chosen[0]) {
        this.#check(chosen[0], value, at, out, null)
        return
      }
    }
    const results = options.map((option) => this.validate(option, value, at))
    const passing = results.filter((problems) => problems.length === 0).length
    if (passing === 1) return
    if (passing > 1) {
      out.push({ at, message: `matches ${passing} of oneOf (${this.#names(options)})` })
      return
    }
    // Report the closest option's problems.
    const closest = results.reduce((best, next) => (next.length < best.length ? next : best))
    out.push({ at, message: `matches none of oneOf (${this.#names(options)})` }, ...closest)
  }

  #checkArray(schema: Schema, value: unknown[], at: string, out: Problem[]): void {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      out.push({ at, message: `has ${value.length} items, fewer than ${schema.minItems}` })
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      out.push({ at, message: `has ${value.length} items, more than ${schema.maxItems}` })
    }
    const items = schema.items as Schema | undefined
    if (items) value.forEach((item, i) => this.#check(items, item, `${at}/${i}`, out, null))
  }

  #checkObject(
    schema: Schema,
    value: Record<string, unknown>,
    at: string,
    out: Problem[],
    name: string | null,
    siblings: ReadonlySet<string>,
  ): void {
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in value)) out.push({ at: `${at}/${key}`, message: 'is required but missing' })
    }
    const additional = schema.additionalProperties
    for (const [key, item] of Object.entries(value)) {
      const property = properties[key]
      if (property) {
        this.#check(property, item, `${at}/${key}`, out, null)
      } else if (additional === false) {
        if (siblings.has(key)) continue
        if (this.#allowances.some((a) => a.property === key && a.schema === name)) continue
        out.push({
          at: `${at}/${key}`,
          message: `is not allowed (additionalProperties: false${name ? ` in ${name}` : ''})`,
        })
      } else if (typeof additional === 'object' && additional !== null) {
        this.#check(additional as Schema, item, `${at}/${key}`, out, null)
      }
    }
  }

  /** The property names a schema declares, through its allOf parts too. */
  #declared(raw: Schema, depth = 0): string[] {
    const schema = this.resolve(raw)
    const own = Object.keys((schema.properties ?? {}) as Record<string, unknown>)
    if (!Array.isArray(schema.allOf) || depth > 20) return own
    return [
      ...own,
      ...(schema.allOf as Schema[]).flatMap((part) => this.#declared(part, depth + 1)),
    ]
  }

  #anyNullable(parts: Schema[]): boolean {
    return parts.some((part) => part.nullable === true || this.resolve(part).nullable === true)
  }

  #names(options: Schema[]): string {
    return options
      .map((option) =>
        typeof option.$ref === 'string' ? option.$ref.split('/').pop() : 'inline schema',
      )
      .join(', ')
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'string':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    default:
      return true
  }
}

function checkString(schema: Schema, value: string, at: string, out: Problem[]): void {
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    out.push({ at, message: `${JSON.stringify(value)} does not match ${schema.pattern}` })
  }
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    out.push({ at, message: `is shorter than ${schema.minLength}` })
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    out.push({ at, message: `is longer than ${schema.maxLength}` })
  }
}

function checkNumber(schema: Schema, value: number, at: string, out: Problem[]): void {
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    out.push({ at, message: `${value} is below the minimum ${schema.minimum}` })
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    out.push({ at, message: `${value} is above the maximum ${schema.maximum}` })
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  return typeof value === 'number' && !Number.isInteger(value) ? 'number' : typeof value
}
