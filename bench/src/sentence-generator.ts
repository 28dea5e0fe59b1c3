// Everyday review and chat vocabulary, so that the featurizer's character n-grams and a
// tokenizer's subwords see text shaped like what people send, not random letters.
const WORDS = `the a and to of it was is this that for in with but not very so too really just
movie film service food staff support team product order delivery app update price quality
great good fine okay bad terrible awful amazing excellent slow fast rude kind helpful broken
love hate like enjoyed recommend regret waited arrived crashed works worked failed fixed
again never always sometimes today yesterday week month experience customer people friend
plot acting ending story characters music scenes boring funny sad beautiful confusing long
short cheap expensive worth money time minutes hours refund replacement package box battery
screen phone laptop keyboard account password login email message reply answer question
i you we they he she my our your their me us them would could should will can did does
honestly definitely probably absolutely barely quite pretty nothing everything something
disappointed impressed surprised happy angry frustrated satisfied annoyed delighted`
  .split(/\s+/)
  .filter(Boolean);

const ENDINGS = ['.', '.', '.', '!', '?', '...', '!!', ' :)', ' 👍', ' 😡'];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so runs bench the same texts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sentences of 3 to ~150 words, lengths spread log-uniformly: mostly chat-sized, some long
 * reviews, which is the mix that makes padding inside a batch cost something.
 */
export function generateSentences(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = Math.round(Math.exp(Math.log(3) + random() * (Math.log(150) - Math.log(3))));
    const words: string[] = [];
    for (let w = 0; w < length; w++) {
      // Squaring favours the front of the list (function words), roughly as in real text.
      const word = WORDS[Math.floor(random() ** 2 * WORDS.length)]!;
      words.push(w === 0 ? word[0]!.toUpperCase() + word.slice(1) : word);
      if (w < length - 1 && random() < 0.06) words[words.length - 1] += ',';
    }
    out.push(words.join(' ') + ENDINGS[Math.floor(random() * ENDINGS.length)]!);
  }
  return out;
}
