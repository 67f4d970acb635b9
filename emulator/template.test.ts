import { describe, expect, it } from 'vitest'
import { mergeMetadata } from './metadata.ts'
import { renderTemplate, renderValue } from './template.ts'

const context = {
  user: {
    id: 'user_1',
    first_name: 'John',
    last_name: null,
    email_verified: false,
    phone_number_verified: true,
    created_at: 1227618844,
    public_metadata: {
      birthday: '1990-12-10',
      age: 0,
      interests: ['hiking', 'knitting'],
      addresses: { Home: '2355 Pointe Lane' },
      flag: false,
      nothing: null,
    },
    unsafe_metadata: { age: 41 },
  },
}

describe('renderValue (Clerk shortcodes)', () => {
  it.each<[string, unknown, unknown]>([
    [
      'a whole shortcode keeps the value type (string)',
      '{{user.public_metadata.birthday}}',
      '1990-12-10',
    ],
    ['… (number)', '{{user.created_at}}', 1227618844],
    ['… (array)', '{{user.public_metadata.interests}}', ['hiking', 'knitting']],
    ['… (object)', '{{user.public_metadata.addresses}}', { Home: '2355 Pointe Lane' }],
    ['nested dot paths', '{{user.public_metadata.addresses.Home}}', '2355 Pointe Lane'],
    ['spaces inside the braces', '{{ user.public_metadata.birthday }}', '1990-12-10'],
    ['a missing value is null', '{{user.public_metadata.missing}}', null],
    ['a missing parent is null', '{{user.public_metadata.missing.deeper}}', null],
    ['an explicit null stays null', '{{user.public_metadata.nothing}}', null],
    ['an unknown root is null', '{{org.id}}', null],
    ['an invalid shortcode is null', '{{user.i_dont_exist}}', null],
    ['garbage inside braces is null', "{{ 'unterminated }}", null],
    ['inherited properties are not reachable', '{{user.public_metadata.constructor}}', null],
    ['interpolation yields a string', 'born {{user.public_metadata.birthday}}', 'born 1990-12-10'],
    ['a missing part reads null', '{{user.last_name}} {{user.first_name}}', 'null John'],
    ['interpolated results are trimmed', '{{user.first_name}} ', 'John'],
    [
      'objects interpolate as JSON',
      'a={{user.public_metadata.interests}}',
      'a=["hiking","knitting"]',
    ],
    ['numbers interpolate as text', 'since {{user.created_at}}', 'since 1227618844'],
    [
      '|| takes the first operand that is not null',
      '{{user.last_name || user.first_name}}',
      'John',
    ],
    ['|| skips false', '{{user.email_verified || user.phone_number_verified}}', true],
    ['|| keeps 0 (only null and false are falsy)', '{{user.public_metadata.age || 30}}', 0],
    ['|| chains', '{{user.public_metadata.missing || user.unsafe_metadata.age || 30}}', 41],
    ['a single-quoted literal fallback', "{{user.last_name || 'Awesome User'}}", 'Awesome User'],
    ['a double-quoted literal fallback', '{{user.last_name || "x"}}', 'x'],
    ['a number literal fallback', '{{user.public_metadata.missing || 30}}', 30],
    ['a negative decimal literal', '{{user.public_metadata.missing || -1.5}}', -1.5],
    ['a boolean literal fallback', '{{user.public_metadata.missing || true}}', true],
    [
      'all falsy: the last operand, whatever it is',
      '{{user.public_metadata.missing || false}}',
      false,
    ],
    ['|| inside a quoted literal is literal', "{{user.last_name || 'a || b'}}", 'a || b'],
    ['fallbacks inside interpolation', "hi {{user.last_name || 'there'}}", 'hi there'],
    ['a string without shortcodes passes untouched', ' plain ', ' plain '],
  ])('%s', (_name, template, expected) => {
    expect(renderValue(template, context)).toEqual(expected)
  })

  it('passes static values through and renders nested structures', () => {
    expect(
      renderValue(
        { n: 1, b: true, z: null, list: ['{{user.id}}', 2], deep: { x: '{{user.first_name}}' } },
        context,
      ),
    ).toEqual({ n: 1, b: true, z: null, list: ['user_1', 2], deep: { x: 'John' } })
  })
})

describe('renderTemplate', () => {
  it('renders the default birthday template, null when missing', () => {
    const template = { birthday: '{{user.public_metadata.birthday}}' }
    expect(renderTemplate(template, context)).toEqual({ birthday: '1990-12-10' })
    expect(renderTemplate(template, { user: { public_metadata: {} } })).toEqual({ birthday: null })
  })

  it('drops default claims: a template cannot override them', () => {
    const template = { sub: 'evil', azp: 'x', v: 9, fva: [], sts: 'x', o: {}, name: '{{user.id}}' }
    expect(renderTemplate(template, context)).toEqual({ name: 'user_1' })
  })
})

describe('mergeMetadata (Clerk PATCH semantics)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    ['adds keys', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['replaces scalars', { a: 1 }, { a: 'x' }, { a: 'x' }],
    [
      'deep-merges objects',
      { o: { a: 1, b: 2 } },
      { o: { b: 3, c: 4 } },
      { o: { a: 1, b: 3, c: 4 } },
    ],
    ['null deletes a key', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['null deletes at depth', { o: { a: 1, b: 2 } }, { o: { a: null } }, { o: { b: 2 } }],
    ['null for a missing key is a no-op', { a: 1 }, { zz: null }, { a: 1 }],
    ['arrays are replaced, not merged', { l: [1, 2, 3] }, { l: [9] }, { l: [9] }],
    [
      'an object replaces a scalar, minus its nulls',
      { o: 1 },
      { o: { a: 1, b: null } },
      { o: { a: 1 } },
    ],
  ])('%s', (_name, existing, patch, expected) => {
    const before = structuredClone(existing)
    expect(mergeMetadata(existing, patch)).toEqual(expected)
    expect(existing).toEqual(before)
  })
})
