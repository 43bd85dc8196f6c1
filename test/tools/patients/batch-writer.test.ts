import type { BatchWriteItemCommandInput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { writeInBatches } from '../../../tools/patients/patients-repository.ts';

const puts = (count: number): WriteRequest[] =>
  Array.from({ length: count }, (_, i) => ({
    PutRequest: { Item: { username: { S: `p${i}@example.com` }, patientId: { S: String(i) } } },
  }));

describe('writeInBatches', () => {
  it('sends batches of 25 with a bounded number in flight', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const send = async (input: BatchWriteItemCommandInput) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      sizes.push(input.RequestItems?.patients?.length ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return {};
    };
    let written = 0;
    await writeInBatches(send, 'patients', puts(260), { concurrency: 3, onWritten: (count) => (written += count) });
    expect(sizes.sort((a, b) => b - a)).toStrictEqual([...Array(10).fill(25), 10]);
    expect(mostInFlight).toBe(3);
    expect(written).toBe(260);
  });

  it('sends unprocessed items again after growing, jittered pauses', async () => {
    const sent: number[] = [];
    const pauses: number[] = [];
    const send = async (input: BatchWriteItemCommandInput) => {
      const items = input.RequestItems?.patients ?? [];
      sent.push(items.length);
      return sent.length < 3 ? { UnprocessedItems: { patients: items.slice(0, items.length - 5) } } : {};
    };
    await writeInBatches(send, 'patients', puts(25), { baseDelayMs: 100, random: () => 1, sleep: async (ms) => void pauses.push(ms) });
    expect(sent).toStrictEqual([25, 20, 15]);
    expect(pauses).toStrictEqual([100, 200]);
  });

  it('gives up after the last attempt, saying a re-run finishes the job', async () => {
    const send = async (input: BatchWriteItemCommandInput) => ({ UnprocessedItems: input.RequestItems });
    await expect(writeInBatches(send, 'patients', puts(3), { maxAttempts: 4, sleep: async () => {} })).rejects.toThrow(
      /3 writes were still unprocessed after 4 attempts .*run the same import again/,
    );
  });

  it('stops taking new batches once one fails', async () => {
    let calls = 0;
    const send = async () => {
      calls++;
      throw new Error('AccessDeniedException');
    };
    await expect(writeInBatches(send, 'patients', puts(250), { concurrency: 2 })).rejects.toThrow('AccessDeniedException');
    expect(calls).toBe(2);
  });
});
