import { parseAllDocuments } from 'yaml';
import { readRepoFile } from './repo-files.js';

/**
 * Every document of a (multi-document) YAML file, parsed with merge keys (`<<: *anchor`) as
 * docker-compose reads them. Empty documents are dropped.
 * @throws Error naming the file and the first parse error
 */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(path), { merge: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new Error(`${path}: ${error.message}`);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/**
 * The single document of a YAML file.
 * @throws Error when the file does not hold exactly one document
 */
export function readYamlDocument(path: string): unknown {
  const docs = readYamlDocuments(path);
  if (docs.length !== 1) throw new Error(`${path}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}
