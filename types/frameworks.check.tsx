/**
 * Compile-time checks of the framework typings (run by `npm run typecheck`): each line must type-check,
 * and each `@ts-expect-error` must really be an error, or the typecheck fails.
 */
import type { GlobalComponents } from 'vue'
import type { SvelteHTMLElements } from 'svelte/elements'
import type {} from './react.d.ts'
import type {} from './vue.d.ts'
import type {} from './svelte.d.ts'

export const react = [
  <birthday-editor
    key="a"
    refresh="user"
    min="1950-01-01"
    required
    onbirthday-editor-saved={(event) => event.birthday?.slice(0, 4)}
    onbirthday-editor-error={(event) => event.code === 'claim-stale'}
  />,
  // @ts-expect-error: refresh is 'token' or 'user'
  <birthday-editor key="b" refresh="later" />,
  // @ts-expect-error: a saved event has no `code`
  <birthday-editor key="c" onbirthday-editor-saved={(event) => event.code} />,
]

type VueProps = InstanceType<GlobalComponents['birthday-editor']>['$props']
export const vue: VueProps = { refresh: 'token', 'publishable-key': 'pk_test_x' }
// @ts-expect-error: refresh is 'token' or 'user'
export const vueWrong: VueProps = { refresh: 'later' }

export const svelte: SvelteHTMLElements['birthday-editor'] = {
  refresh: 'user',
  'onbirthday-editor-saved': (event) => event.verified,
}
// @ts-expect-error: listeners are functions
export const svelteWrong: SvelteHTMLElements['birthday-editor'] = { 'onbirthday-editor-error': 1 }
