// jupyterlab-kdsl: the kdsl language for JupyterLab's editors, in `%%kdsl` notebook cells and in .kdsl files.

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker } from '@jupyterlab/notebook';

import { watchNotebook } from './cells';
import { KDSL_MIME, kdsl } from './language';

const language: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-kdsl:language',
  description: 'The kdsl language for CodeMirror, and the .kdsl file type.',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, languages: IEditorLanguageRegistry): void => {
    languages.addLanguage({
      name: 'kdsl',
      displayName: 'kdsl',
      mime: KDSL_MIME,
      extensions: ['kdsl'],
      load: async () => kdsl()
    });
    app.docRegistry.addFileType({
      name: 'kdsl',
      displayName: 'kdsl scenario',
      extensions: ['.kdsl'],
      mimeTypes: [KDSL_MIME],
      fileFormat: 'text',
      contentType: 'file'
    });
  }
};

const cells: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-kdsl:cells',
  description: 'Highlights a notebook code cell as kdsl while its source starts with %%kdsl.',
  autoStart: true,
  requires: [INotebookTracker, IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, notebooks: INotebookTracker, languages: IEditorLanguageRegistry): void => {
    notebooks.forEach(panel => watchNotebook(panel.content, languages));
    notebooks.widgetAdded.connect((_, panel) => watchNotebook(panel.content, languages));
  }
};

export default [language, cells];
