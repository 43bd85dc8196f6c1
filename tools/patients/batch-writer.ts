import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput, WriteRequest } from '@aws-sdk/client-dynamodb';

/** DynamoDB's limit for one BatchWriteItem call. */
export const BATCH_SIZE = 25;

export type BatchWriteSender = (input: BatchWriteItemCommandInput) => Promise<Pick<BatchWriteItemCommandOutput, 'UnprocessedItems'>>;

export interface BatchWriteOptions {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Calls per batch, the first included, before giving up on its unprocessed items. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called with how many requests a call just completed. */
  onWritten?: (count: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Puts and deletes in batches of 25, a few batches at a time. DynamoDB may accept only part of a batch
 * (UnprocessedItems) when the table is busy: those are sent again after an exponential, jittered pause.
 */
export async function writeInBatches(
  send: BatchWriteSender,
  tableName: string,
  requests: readonly WriteRequest[],
  {
    concurrency = 8,
    maxAttempts = 10,
    baseDelayMs = 50,
    maxDelayMs = 5000,
    onWritten,
    sleep = defaultSleep,
    random = Math.random,
  }: BatchWriteOptions = {},
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_SIZE) batches.push(requests.slice(start, start + BATCH_SIZE));
  let next = 0;
  let failed = false;

  async function writeBatch(batch: WriteRequest[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const output = await send({ RequestItems: { [tableName]: pending } });
      const unprocessed = output.UnprocessedItems?.[tableName] ?? [];
      onWritten?.(pending.length - unprocessed.length);
      if (unprocessed.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new Error(
          `${unprocessed.length} writes were still unprocessed after ${maxAttempts} attempts (the table is throttling); ` +
            'what was written stays written: run the same import again to finish',
        );
      }
      pending = unprocessed;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(ceiling / 2 + random() * (ceiling / 2));
    }
  }

  async function worker(): Promise<void> {
    while (!failed && next < batches.length) {
      const batch = batches[next++] as WriteRequest[];
      try {
        await writeBatch(batch);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, () => worker());
  const results = await Promise.allSettled(workers);
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection) throw rejection.reason;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
