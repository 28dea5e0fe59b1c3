import type { TextEditor } from 'vscode';

/** One text to classify and where in the document it came from. */
export interface SelectedText {
  /** The text as it stands in the document. */
  readonly text: string;
  /** Zero-based line where it starts (shown one-based to people). */
  readonly line: number;
}

/**
 * The texts of the editor's selections, in document order: each non-empty selection is one text
 * (a multi-cursor edit gives several). When nothing is selected, each cursor's line is one text.
 * Blank texts are left out, since the server refuses them; an empty list means nothing to classify.
 */
export function selectedTexts(editor: Pick<TextEditor, 'document' | 'selections'>): SelectedText[] {
  const { document } = editor;
  const selections = [...editor.selections].sort(
    (a, b) => a.start.line - b.start.line || a.start.character - b.start.character,
  );
  const chosen = selections.filter((s) => !s.isEmpty);
  let texts: SelectedText[];
  if (chosen.length > 0) {
    texts = chosen.map((s) => ({ text: document.getText(s), line: s.start.line }));
  } else {
    // Several cursors on one line would send that line several times: once is enough.
    const lines = [...new Set(selections.map((s) => s.active.line))];
    texts = lines.map((line) => ({ text: document.lineAt(line).text, line }));
  }
  return texts.filter((t) => t.text.trim() !== '');
}
