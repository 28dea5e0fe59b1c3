import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors.js';
import { formatSequenceVocabulary, parseSequenceVocabulary } from './sequence-vocabulary.js';

describe('parseSequenceVocabulary', () => {
  it('reads back what formatSequenceVocabulary wrote, with or without the last newline', () => {
    const words = ['the', ',', "don't", '東京', '🎉'];
    expect(parseSequenceVocabulary(formatSequenceVocabulary(words), 'v.txt')).toEqual(words);
    expect(parseSequenceVocabulary('a\nb', 'v.txt')).toEqual(['a', 'b']);
  });

  it.each([
    ['', /v\.txt: holds no words/],
    ['a\n\nb\n', /v\.txt: line 2 is empty/],
    ['a\nb c\n', /v\.txt: line 2 holds white space/],
    ['a\r\nb\n', /v\.txt: line 1 holds white space/],
    ['a\nb\na\n', /v\.txt: line 3 repeats "a" from line 1/],
  ])('refuses %j', (text, problem) => {
    expect(() => parseSequenceVocabulary(text, 'v.txt')).toThrow(ModelLoadError);
    expect(() => parseSequenceVocabulary(text, 'v.txt')).toThrow(problem);
  });
});
