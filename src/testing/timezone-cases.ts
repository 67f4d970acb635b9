/**
 * The date edge cases that depend on the runtime's time zone, shared by the per-zone test files
 * (each runs in its own Vitest project with `TZ` set; see vitest.config.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { latestToday, localToday } from '../birthday.ts'
import '../define.ts'
import { FakeClerk, fakeBackend } from './fake-clerk.ts'

/** 2024-01-01T11:00Z: still 2023-12-31 at UTC−12, already 2024-01-02 at UTC+14. */
const INSTANT = Date.UTC(2024, 0, 1, 11, 0)

export function timeZoneCases(zone: string, offsetMinutes: number, localDate: string): void {
  describe(`in ${zone}`, () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(INSTANT)
    })
    afterEach(() => {
      vi.useRealTimers()
      vi.unstubAllGlobals()
      document.body.replaceChildren()
    })

    async function mount(birthday: string) {
      const clerk = new FakeClerk()
      clerk.signIn('user_1', birthday)
      const backend = fakeBackend(clerk)
      const el = document.createElement('birthday-editor')
      el.input = 'native'
      el.clerk = clerk
      document.body.append(el)
      await new Promise((resolve) => setTimeout(resolve, 0))
      const part = <T extends HTMLElement>(name: string) =>
        el.shadowRoot!.querySelector<T>(`[part="${name}"]`)!
      return {
        el,
        backend,
        input: part<HTMLInputElement>('input'),
        current: part('current-value'),
        form: part<HTMLFormElement>('form'),
      }
    }

    it('runs in that zone', () => {
      expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(zone)
      expect(new Date(INSTANT).getTimezoneOffset()).toBe(offsetMinutes)
    })

    it('takes today from the local calendar for the default max', async () => {
      expect(localToday()).toBe(localDate)
      expect(latestToday()).toBe('2024-01-02')
      const { el, input } = await mount('1990-12-10')
      expect(el.max).toBe(localDate)
      expect(input.max).toBe(localDate)
    })

    it.each(['1990-12-10', '2000-01-01', '1999-12-31', '2024-02-29', '1900-01-01'])(
      'shows and keeps %s without shifting a day',
      async (date) => {
        const { el, input, current } = await mount(date)
        expect(el.value).toBe(date)
        expect(input.value).toBe(date)
        const [year, month, day] = date.split('-').map(Number)
        const words = new Intl.DateTimeFormat('en-US', {
          dateStyle: 'long',
          timeZone: 'UTC',
        }).format(Date.UTC(year!, month! - 1, day!))
        expect(current.textContent).toBe(`Saved: ${words}`)
        expect(words).toContain(String(day))
      },
    )

    it('accepts the local today and refuses the local tomorrow', async () => {
      const { el, input, form, backend } = await mount('1990-12-10')
      const tomorrow = new Date(Date.parse(localDate) + 86_400_000).toISOString().slice(0, 10)
      input.value = tomorrow
      input.dispatchEvent(new Event('change', { bubbles: true }))
      expect(input.getAttribute('aria-invalid')).not.toBe('true')
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(input.getAttribute('aria-invalid')).toBe('true')
      input.value = localDate
      input.dispatchEvent(new Event('change', { bubbles: true }))
      form.requestSubmit()
      await vi.waitFor(() => expect(el.status).toBe('saved'))
      expect(backend.fetch.mock.calls[0]![1]!.body).toBe(`{"birthday":"${localDate}"}`)
    })
  })
}
