/**
 * `<birthday-editor>` in Svelte 5 markup: `import type {} from 'birthday-editor/svelte'` once.
 *
 * @example
 * <birthday-editor refresh="user" onbirthday-editor-saved={(e) => log(e.birthday)} />
 */
import type { HTMLAttributes } from 'svelte/elements'
import type { BirthdayEditorElement } from 'birthday-editor'
import type {
  BirthdayEditorAttributes,
  BirthdayEditorListeners,
  BirthdayEditorProperties,
} from './attributes.d.ts'

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'birthday-editor': Omit<HTMLAttributes<BirthdayEditorElement>, 'onchange'> &
      BirthdayEditorAttributes &
      BirthdayEditorProperties &
      BirthdayEditorListeners
  }
}
