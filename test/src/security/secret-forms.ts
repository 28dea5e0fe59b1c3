/**
 * The ways a secret can show up in a log besides verbatim: URL- and form-encoded, JSON-escaped,
 * hex, and base64 (standard and URL-safe). Base64 depends on where the secret starts within the
 * encoded bytes (`Basic` headers put `user:` in front), so each of the three alignments yields the
 * run of characters that encodes the secret's bytes alone, and any of them in a log is a leak.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('hex'),
  ]);
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Characters wholly made of the secret's bits: skip those sharing bits with the filler in
    // front, and those sharing bits with whatever followed the secret.
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.add(core);
    forms.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...forms].filter((f) => f.length >= 12);
}

/** Where in `text` a form of `secret` occurs, as `form@index` entries (empty when it never does). */
export function findSecret(text: string, secret: string): string[] {
  const hits: string[] = [];
  for (const form of secretForms(secret)) {
    const at = text.indexOf(form);
    if (at >= 0) hits.push(`${JSON.stringify(form)}@${at}: …${text.slice(Math.max(0, at - 80), at + 80)}…`);
  }
  return hits;
}
