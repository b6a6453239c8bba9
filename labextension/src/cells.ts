// Keeps a code cell's mime type at kdsl's while its source starts with %%kdsl, and gives it back otherwise.

import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { Notebook } from '@jupyterlab/notebook';

import { CELL_MAGIC, KDSL_MIME } from './language';

const watched = new WeakSet<ICellModel>();

function watchCell(cell: ICodeCellModel, notebook: Notebook, languages: IEditorLanguageRegistry): void {
  const isKdsl = (): boolean => CELL_MAGIC.test(cell.sharedModel.getSource());
  const sync = (): void => {
    if (cell.isDisposed) {
      return;
    }
    if (!isKdsl()) {
      if (cell.mimeType === KDSL_MIME) {
        cell.mimeType = notebook.codeMimetype;
      }
      return;
    }
    if (cell.mimeType === KDSL_MIME) {
      return;
    }
    // The notebook sets every code cell to the kernel's language when language info arrives (and on insert);
    // the editor then loads that language asynchronously. Switching back once that load has settled makes
    // kdsl's configuration the last one the editor applies.
    const other = cell.mimeType;
    void languages
      .getLanguage(other)
      .catch(() => null)
      .then(() => {
        if (!cell.isDisposed && isKdsl() && cell.mimeType !== KDSL_MIME) {
          cell.mimeType = KDSL_MIME;
        }
      });
  };
  cell.mimeTypeChanged.connect(sync);
  cell.sharedModel.changed.connect((_, change) => {
    if (change.sourceChange) {
      sync();
    }
  });
  sync();
}

export function watchNotebook(notebook: Notebook, languages: IEditorLanguageRegistry): void {
  const scan = (): void => {
    const model = notebook.model;
    if (!model) {
      return;
    }
    for (const cell of model.cells) {
      if (cell.type === 'code' && !watched.has(cell)) {
        watched.add(cell);
        watchCell(cell as ICodeCellModel, notebook, languages);
      }
    }
  };
  const attach = (): void => {
    notebook.model?.cells.changed.connect(scan);
    scan();
  };
  notebook.modelChanged.connect(attach);
  attach();
}
