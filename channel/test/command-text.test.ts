import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../src/command-text.js';

const MODELS = ['sentiment', 'spam', 'toxicity'];
const parse = (text: string) => parseCommandText(text, MODELS, 'sentiment');

describe('/classify command text', () => {
  it('sends a text whose first word is no model to the default model', () => {
    expect(parse('great job everyone')).toEqual({
      kind: 'classify',
      model: 'sentiment',
      text: 'great job everyone',
    });
  });

  it('takes a first word that is exactly a model name, case aside', () => {
    expect(parse('Toxicity you fool')).toEqual({ kind: 'classify', model: 'toxicity', text: 'you fool' });
  });

  it('always reads model:NAME as a model, and refuses one that does not exist', () => {
    expect(parse('model:spam win now')).toEqual({ kind: 'classify', model: 'spam', text: 'win now' });
    expect(parse('model:nope hello')).toEqual({ kind: 'unknown-model', model: 'nope', text: 'hello' });
    expect(parse('model= hi')).toEqual({ kind: 'unknown-model', model: '', text: 'hi' });
  });

  it('reads NAME@VERSION, bare or after model:', () => {
    expect(parse('sentiment@1.2.3 I love it')).toEqual({
      kind: 'classify',
      model: 'sentiment',
      version: '1.2.3',
      text: 'I love it',
    });
    expect(parse('model:spam@3 prize')).toEqual({
      kind: 'classify',
      model: 'spam',
      version: '3',
      text: 'prize',
    });
    expect(parse('model:nope@1 hi')).toEqual({ kind: 'unknown-model', model: 'nope@1', text: 'hi' });
    // An address is no model: the whole text is classified.
    expect(parse('me@example.com wrote')).toEqual({
      kind: 'classify',
      model: 'sentiment',
      text: 'me@example.com wrote',
    });
  });

  it('tells help, nothing and a model without text apart', () => {
    expect(parse('help')).toEqual({ kind: 'help' });
    expect(parse('   ')).toEqual({ kind: 'empty' });
    expect(parse('toxicity')).toEqual({ kind: 'empty', model: 'toxicity' });
    expect(parse('sentiment@1.2.3')).toEqual({ kind: 'empty', model: 'sentiment', version: '1.2.3' });
  });
});
