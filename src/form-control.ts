/**
 * The element as a form control, one lifecycle as long as the element's: its `ElementInternals`
 * (the value in its form's `FormData`, validity, custom states) and what its form says (a disabled
 * `<fieldset>` around it, a state restored by back/forward navigation). It never renders: the host
 * hands it what the field holds at each render. Browsers without `ElementInternals` (and happy-dom)
 * get none of it, and the element still works.
 */
import type { Problem } from './edit.ts'

/** The `ValidityState` flag a problem sets; any other (`missing`, `format`, `real`): `badInput`. */
const VALIDITY_FLAGS: Partial<Record<Problem, keyof ValidityStateFlags>> = {
  required: 'valueMissing',
  min: 'rangeUnderflow',
  max: 'rangeOverflow',
  future: 'rangeOverflow',
}

/** Why the field cannot be saved right now, in words, and the field to point at. */
export interface Invalid {
  problem: Problem
  message: string
  anchor: HTMLElement
}

export class FormControl {
  /** A disabled `<fieldset>` around the element disables it, as it does native fields. */
  disabled = false
  /**
   * Back/forward navigation restored what the user had typed: programmatic values must not
   * overwrite it until the user acts.
   */
  restored = false
  /** The host's internals, whose `form`, `validity` and checks the host exposes as its own. */
  readonly internals: Partial<ElementInternals>

  constructor(host: HTMLElement) {
    this.internals = host.attachInternals?.() ?? {}
  }

  /**
   * What the field holds: `value` goes into `FormData` (`null`: nothing, as for a disabled field),
   * `state` comes back through `formStateRestoreCallback`, and `invalid` (or `null`) sets the
   * validity.
   */
  publish(value: string | null, state: string, invalid: Invalid | null): void {
    const internals = this.internals
    if (!internals.setValidity) return
    internals.setFormValue!(value, state)
    if (invalid)
      internals.setValidity(
        { [VALIDITY_FLAGS[invalid.problem] ?? 'badInput']: true },
        invalid.message,
        invalid.anchor,
      )
    else internals.setValidity({})
  }

  /** Shows exactly these custom states (`:state(…)`). */
  showStates(names: string[]): void {
    const states = this.internals.states
    if (!states) return
    states.clear()
    for (const name of names) states.add(name)
  }
}
