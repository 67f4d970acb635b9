/**
 * `<birthday-editor>` in React 19 JSX: `import type {} from 'birthday-editor/react'` once.
 *
 * @example
 * <birthday-editor refresh="user" onbirthday-editor-saved={(e) => console.log(e.birthday)} />
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react'
import type { BirthdayEditorElement } from 'birthday-editor'
import type {
  BirthdayEditorAttributes,
  BirthdayEditorListeners,
  BirthdayEditorProperties,
} from './attributes.d.ts'

type Props = Omit<
  DetailedHTMLProps<HTMLAttributes<BirthdayEditorElement>, BirthdayEditorElement>,
  'onChange'
> &
  BirthdayEditorAttributes &
  BirthdayEditorProperties &
  BirthdayEditorListeners

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'birthday-editor': Props
    }
  }
}
