/**
 * `<birthday-editor>` in Vue templates (for vue-tsc): `import type {} from
 * 'birthday-editor/vue'` once, and tell Vue's compiler it is a custom element
 * (`compilerOptions.isCustomElement: (tag) => tag === 'birthday-editor'`).
 *
 * @example
 * <birthday-editor refresh="user" @birthday-editor-saved="(e) => log(e.birthday)" />
 */
/* eslint-disable @typescript-eslint/no-empty-object-type -- {} is what Vue's DefineComponent takes for "none" */
import type { DefineComponent } from 'vue'
import type { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent } from 'birthday-editor'
import type { BirthdayEditorAttributes, BirthdayEditorProperties } from './attributes.d.ts'

type Emits = {
  change: (event: Event) => void
  'birthday-editor-saved': (event: BirthdayEditorSavedEvent) => void
  'birthday-editor-error': (event: BirthdayEditorErrorEvent) => void
}

declare module 'vue' {
  interface GlobalComponents {
    'birthday-editor': DefineComponent<
      BirthdayEditorAttributes & BirthdayEditorProperties,
      {},
      {},
      {},
      {},
      {},
      {},
      Emits
    >
  }
}
