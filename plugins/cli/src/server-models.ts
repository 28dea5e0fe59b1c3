import type { ModelsResponse } from '@switchboard/client';
import type { BrokenSummary, ModelSummary } from './format-model-list.js';
import { fromClientError, type ServerTarget, serverClient } from './server-backend.js';

/** The models of a Switchboard server (`switchboard models --server URL`), in the list's shapes. */
export async function serverModels(
  target: ServerTarget,
): Promise<{ models: ModelSummary[]; broken: BrokenSummary[] }> {
  let answer: ModelsResponse;
  try {
    answer = await serverClient(target).models();
  } catch (err) {
    throw fromClientError(err, target.url);
  }
  return {
    models: answer.models.map((m) => ({
      name: m.name,
      labels: m.labels,
      multiLabel: m.multiLabel,
      version: m.version,
      encoderKind: m.encoder,
      maxInputTokens: m.maxInputTokens,
      sizeBytes: m.sizeBytes,
      description: m.description,
      versions: (m.versions ?? []).map((v) => ({
        labels: v.labels,
        multiLabel: v.multiLabel,
        version: v.version,
        encoderKind: v.encoder,
        maxInputTokens: v.maxInputTokens,
        sizeBytes: v.sizeBytes,
        description: v.description,
        isDefault: v.default,
      })),
    })),
    broken: answer.unavailable.map((b) => ({ name: b.name, error: { file: b.file, message: b.error } })),
  };
}
