/**
 * The element's primitive properties, each backed by its attribute (the source of truth): the table
 * that derives `observedAttributes` and the accessors. DOM-free: an accessor only calls the
 * element's own `getAttribute`, `setAttribute` and `removeAttribute`.
 */
import { isIsoDate, localToday, MIN_BIRTHDAY } from './birthday.ts'

/**
 * Primitive properties, each backed by its attribute (the source of truth): property name → how the
 * attribute reads. A getter never throws; invalid input gives the default.
 */
const date = (fallback: () => string) => (value: string | null) =>
  isIsoDate(value) ? value : fallback()
const flag = (value: string | null) => value !== null
const text = (fallback: string | null) => (value: string | null) => value || fallback
export const PRIMITIVES: Record<string, (value: string | null) => unknown> = {
  value: date(() => ''),
  min: date(() => MIN_BIRTHDAY),
  max: date(localToday),
  required: flag,
  disabled: flag,
  readOnly: flag,
  endpoint: text('/api/update-user-metadata'),
  claim: text('birthday'),
  refresh: (value) => (value === 'user' ? value : 'token'),
  timeout: (value) => (Number(value) > 0 ? Number(value) : 10_000),
  publishableKey: text(null),
  proxyUrl: text(null),
  clerkJsUrl: text(null),
  name: text(null),
  input: (value) => (value === 'native' ? value : 'fields'),
}
export const attributeOf = (property: string) =>
  property === 'readOnly' ? 'readonly' : property.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())

/** Defines each property of {@link PRIMITIVES} on `prototype` as an accessor of its attribute. */
export function reflectProperties(prototype: HTMLElement): void {
  for (const [property, read] of Object.entries(PRIMITIVES)) {
    const name = attributeOf(property)
    Object.defineProperty(prototype, property, {
      get(this: HTMLElement) {
        return read(this.getAttribute(name))
      },
      set(this: HTMLElement, value: unknown) {
        if (value || value === 0) this.setAttribute(name, value === true ? '' : String(value))
        else this.removeAttribute(name)
      },
    })
  }
}

/**
 * A property set on an element before its class was defined is an own property that hides the
 * class's accessor: deletes each of `keys` that is one and sets it again through the accessor (as
 * Lit's `__saveInstanceProperties` does).
 */
export function replayPreUpgradeProperties(element: object, keys: string[]): void {
  const self = element as Record<string, unknown>
  for (const key of keys) {
    if (Object.hasOwn(self, key)) {
      const value = self[key]
      delete self[key]
      self[key] = value
    }
  }
}
