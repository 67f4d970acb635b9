/**
 * The attributes and events of `<birthday-editor>` as framework template props; shared by the React,
 * Vue and Svelte typings.
 */
import type {
  BirthdayEditorElement,
  BirthdayEditorErrorEvent,
  BirthdayEditorSavedEvent,
  BirthdayEditorStrings,
  ClerkPort,
} from 'birthday-editor'

export interface BirthdayEditorAttributes {
  value?: string
  min?: string
  max?: string
  required?: boolean
  disabled?: boolean
  readonly?: boolean
  endpoint?: string
  claim?: string
  refresh?: 'token' | 'user'
  timeout?: number | string
  lang?: string
  'publishable-key'?: string
  'proxy-url'?: string
  'clerk-js-url'?: string
  name?: string
  input?: 'fields' | 'native'
}

/** Rich data, set as properties (React 19, Vue and Svelte set a property when the element has one). */
export interface BirthdayEditorProperties {
  clerk?: ClerkPort | null
  strings?: Partial<BirthdayEditorStrings>
}

/** Listeners in the `on<event-name>` form that React 19 and Svelte 5 use for custom elements. */
export interface BirthdayEditorListeners {
  onchange?: (event: Event & { currentTarget: BirthdayEditorElement }) => void
  'onbirthday-editor-saved'?: (event: BirthdayEditorSavedEvent) => void
  'onbirthday-editor-error'?: (event: BirthdayEditorErrorEvent) => void
}
