import { describe, expect, it } from 'vitest'
import { OpenApiSpec, type SpecDocument } from './openapi.ts'

const doc: SpecDocument = {
  paths: {
    '/users/{user_id}': {
      get: {
        responses: {
          '200': { $ref: '#/components/responses/User' },
          '404': {
            description: 'missing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } },
          },
          '204': { description: 'no body' },
        },
      },
    },
    '/users/count': { get: { responses: { '200': { description: 'ok' } } } },
  },
  components: {
    responses: {
      User: {
        description: 'ok',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
      },
    },
    schemas: {
      Errors: { type: 'object', properties: { errors: { type: 'array' } }, required: ['errors'] },
      Base: {
        type: 'object',
        additionalProperties: false,
        properties: { id: { type: 'string' } },
        required: ['id'],
      },
      User: {
        allOf: [
          { $ref: '#/components/schemas/Base' },
          {
            type: 'object',
            properties: {
              age: { type: 'integer', nullable: true, minimum: 0 },
              kind: { type: 'string', enum: ['a', 'b'] },
              tags: { type: 'array', items: { type: 'string', pattern: '^t_' } },
              parent: {
                type: 'object',
                nullable: true,
                allOf: [{ $ref: '#/components/schemas/Base' }],
              },
              err: {
                allOf: [
                  { $ref: '#/components/schemas/Errors' },
                  { type: 'object', nullable: true },
                ],
              },
              v: {
                oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }],
                discriminator: { propertyName: 'object' },
              },
            },
            required: ['age'],
          },
        ],
      },
      A: {
        type: 'object',
        additionalProperties: false,
        properties: { object: { type: 'string', enum: ['a'] }, n: { type: 'integer' } },
      },
      B: {
        type: 'object',
        additionalProperties: false,
        properties: { object: { type: 'string', enum: ['b'] }, s: { type: 'string' } },
      },
    },
  },
}

const spec = new OpenApiSpec(doc, [
  { property: 'extra', schema: 'Base', evidence: 'test: an SDK reads it' },
])

function check(value: unknown) {
  const found = spec.lookup('GET', '/users/user_1', 200)
  if (found.kind !== 'schema') throw new Error(found.kind)
  return spec.validate(found.schema, value).map((p) => `${p.at}: ${p.message}`)
}

describe('OpenApiSpec', () => {
  it('finds the most literal path template and reports undocumented statuses', () => {
    expect(spec.lookup('GET', '/users/count', 200)).toEqual({
      kind: 'no-body',
      template: '/users/count',
    })
    expect(spec.lookup('GET', '/users/u1', 204)).toMatchObject({ kind: 'no-body' })
    expect(spec.lookup('GET', '/users/u1', 401)).toMatchObject({
      kind: 'undocumented',
      message: expect.stringContaining('status 401 is not documented'),
    })
    expect(spec.lookup('POST', '/users/u1', 200)).toMatchObject({
      kind: 'undocumented',
      template: null,
    })
    expect(spec.lookup('GET', '/nope', 200)).toMatchObject({ kind: 'undocumented' })
  })

  it('accepts a conforming value, with allOf siblings, nullable and a discriminated oneOf', () => {
    expect(
      check({
        id: 'u',
        age: null,
        kind: 'a',
        tags: ['t_1'],
        parent: null,
        err: null,
        v: { object: 'b', s: 'x' },
      }),
    ).toEqual([])
    expect(check({ id: 'u', age: 3, parent: { id: 'p' }, extra: 1 })).toEqual([])
  })

  it('reports missing, extra, mistyped, out-of-enum, pattern, minimum and null problems', () => {
    expect(
      check({
        age: -1,
        kind: 'c',
        tags: ['x'],
        other: 1,
        parent: { id: 1 },
        v: { object: 'a', n: 'no' },
      }),
    ).toEqual([
      '/id: is required but missing',
      '/other: is not allowed (additionalProperties: false in Base)',
      '/age: -1 is below the minimum 0',
      '/kind: "c" is not one of ["a","b"]',
      '/tags/0: "x" does not match ^t_',
      '/parent/id: expected string, got number',
      '/v/n: expected integer, got string',
    ])
    expect(check({ id: 'u' })).toEqual(['/age: is required but missing'])
    expect(check({ id: 'u', age: 1, kind: null })).toEqual([
      '/kind: is null but the schema is not nullable',
    ])
  })

  it('reports a oneOf that matches none', () => {
    expect(check({ id: 'u', age: 1, v: { object: 'c' } })[0]).toMatch(
      /\/v: matches none of oneOf \(A, B\)/,
    )
  })
})
