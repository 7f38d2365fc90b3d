import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/agent/slots.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('Slots', () => {
  it('runs at most `size` tasks at once, the others in arrival order', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      slots.run(async () => {
        order.push(i);
        most = Math.max(most, ++running);
        await tick();
        running--;
        return i * 10;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot of a task that fails', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('engine said no')))).rejects.toThrow(
      'engine said no',
    );
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});
