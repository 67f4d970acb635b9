/**
 * Draws a {@link Timeline} into the page: one list item per request, whose text says what its bar
 * shows (for screen readers and for copying), and whose bar sits on the shared axis below. Positions
 * go through the CSSOM (`style.setProperty` of custom properties), which the demo's policy allows:
 * it forbids `style` attributes in markup and `<style>` without a nonce, not the CSSOM.
 */
import type { Timeline } from './wire-timeline.ts'

const ms = (value: number) => `${Math.round(value)} ms`
const percent = (fraction: number) => `${(fraction * 100).toFixed(3)}%`

function span(className: string, text = ''): HTMLSpanElement {
  const element = document.createElement('span')
  element.className = className
  element.textContent = text
  return element
}

export function drawWire(list: HTMLElement, axis: HTMLElement, timeline: Timeline): void {
  if (timeline.bars.length === 0) {
    const item = document.createElement('li')
    item.className = 'wire-empty'
    item.textContent = 'Nothing was sent.'
    list.replaceChildren(item)
    axis.replaceChildren()
    return
  }
  list.replaceChildren(
    ...timeline.bars.map((bar) => {
      const item = document.createElement('li')
      item.className = 'wire-row'
      if (bar.failed) item.classList.add('failed')
      if (bar.outcome === 'pending') item.classList.add('pending')
      item.title = bar.request.url
      const track = span('wire-track')
      track.setAttribute('aria-hidden', 'true')
      const line = span('wire-bar')
      line.style.setProperty('--offset', percent(bar.offset))
      line.style.setProperty('--width', percent(bar.width))
      track.append(line)
      item.append(
        span('wire-label', bar.label),
        ' ',
        span('wire-outcome', bar.outcome),
        ' ',
        track,
        span('wire-time', `at ${ms(bar.at)}, ${ms(bar.duration)}`),
      )
      return item
    }),
  )
  const marks = span('wire-track')
  marks.append(
    ...timeline.ticks.map((at) => {
      const tick = span('wire-tick', ms(at))
      tick.style.setProperty('--at', percent(at / timeline.span))
      return tick
    }),
  )
  axis.replaceChildren(span('wire-axis-label', 'time since the POST'), marks)
}
