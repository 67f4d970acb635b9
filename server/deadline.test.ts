import { beforeEach, describe, expect, it, vi } from 'vitest'
import { raceDeadline, startDeadline, TIMED_OUT } from './deadline.ts'

beforeEach(() => {
  vi.useFakeTimers()
  return () => vi.useRealTimers()
})

describe('raceDeadline', () => {
  it('answers the work’s value when it settles first, and clears its timer', async () => {
    const raced = raceDeadline(Promise.resolve('saved'), 1_000)
    await expect(raced).resolves.toBe('saved')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('answers TIMED_OUT when the time runs out first, and the late answer is ignored', async () => {
    let land: (value: string) => void = () => {}
    const work = new Promise<string>((resolve) => (land = resolve))
    const raced = raceDeadline(work, 1_000)
    await vi.advanceTimersByTimeAsync(999)
    let settled: unknown = 'pending'
    void raced.then((value) => (settled = value))
    await Promise.resolve()
    expect(settled).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    expect(settled).toBe(TIMED_OUT)
    land('late')
    await expect(raced).resolves.toBe(TIMED_OUT)
  })

  it('rejects with the work’s error when it fails first', async () => {
    const failure = new Error('refused')
    await expect(raceDeadline(Promise.reject(failure), 1_000)).rejects.toBe(failure)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a rejection after the deadline is not an unhandled rejection', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      let fail: (error: Error) => void = () => {}
      const work = new Promise<string>((_, reject) => (fail = reject))
      const raced = raceDeadline(work, 10)
      await vi.advanceTimersByTimeAsync(10)
      await expect(raced).resolves.toBe(TIMED_OUT)
      fail(new Error('too late'))
      await vi.advanceTimersByTimeAsync(0)
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})

describe('startDeadline', () => {
  it('is passed only once its timer fired, and expired resolves TIMED_OUT then', async () => {
    const deadline = startDeadline(50)
    expect(deadline.passed()).toBe(false)
    await vi.advanceTimersByTimeAsync(49)
    expect(deadline.passed()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(deadline.passed()).toBe(true)
    await expect(deadline.expired).resolves.toBe(TIMED_OUT)
  })

  it('a negative time is already due at the next timer turn', async () => {
    const deadline = startDeadline(-5)
    expect(deadline.passed()).toBe(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(deadline.passed()).toBe(true)
  })

  it('clear() stops it: never passed, no timer left', async () => {
    const deadline = startDeadline(50)
    deadline.clear()
    deadline.clear()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(deadline.passed()).toBe(false)
  })
})
