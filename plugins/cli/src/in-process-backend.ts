import { ModelRepository } from '@switchboard/core/inference';
import type { ClassifiedBatch, ClassifyBackend } from './classify-backend.js';

/**
 * Runs the model in this process with onnxruntime: no Redis, no server. Import this module lazily:
 * it loads onnxruntime, which commands such as `models` must not pay for.
 */
export class InProcessBackend implements ClassifyBackend {
  private readonly repository: ModelRepository;
  private readonly model: string;

  constructor(modelsDir: string, model: string) {
    // One thread: the CLI usually shares the machine with other work, and batches are small.
    this.repository = new ModelRepository(modelsDir, { intraOpThreads: 1 });
    this.model = model;
  }

  async check(): Promise<void> {
    // Metadata only: names the unknown model or the broken file before any session is created.
    await this.repository.catalog.get(this.model);
  }

  async classify(texts: readonly string[]): Promise<ClassifiedBatch> {
    const classifier = await this.repository.get(this.model);
    const results = await classifier.classify(texts);
    return { model: classifier.manifest.name, version: classifier.manifest.version, results };
  }

  close(): Promise<void> {
    return this.repository.close();
  }
}
