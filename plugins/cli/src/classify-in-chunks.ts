import type { TextClassification } from '@switchboard/core';
import type { ClassifiedBatch } from './classify-backend.js';

/** One chunk's answer from a remote backend. */
export interface ChunkAnswer {
  readonly version: string;
  readonly results: readonly TextClassification[];
}

/**
 * Splits texts into requests of at most `chunkSize` and keeps `inFlight` of them going at once, so
 * that the workers can batch them together; answers come back in input order.
 */
export async function classifyInChunks(
  model: string,
  texts: readonly string[],
  chunkSize: number,
  inFlight: number,
  classifyChunk: (chunk: string[]) => Promise<ChunkAnswer>,
): Promise<ClassifiedBatch> {
  const chunks: string[][] = [];
  for (let i = 0; i < texts.length; i += chunkSize) chunks.push(texts.slice(i, i + chunkSize));
  const answers: ChunkAnswer[] = new Array(chunks.length);
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) {
      const index = next++;
      answers[index] = await classifyChunk(chunks[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, chunks.length) }, lane));
  return { model, version: answers[0]?.version ?? '', results: answers.flatMap((a) => a.results) };
}
