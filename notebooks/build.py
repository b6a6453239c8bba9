"""Writes the tutorial notebooks (notebooks/*.ipynb) from the stories in notebooks/stories/ (one module each).

Run `uv run python notebooks/build.py` after editing a story; the notebooks are committed without outputs,
and tests/notebook/test_tutorials.py executes every one top to bottom and checks what it shows.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
STORIES = HERE / "stories"

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of (kind, source) cells; a code cell whose source starts `# raises` is tagged
    `raises-exception`, so a run of all cells goes on past a mistake shown on purpose."""
    nb = new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for i, (kind, source) in enumerate(cells):
        source = source.strip("\n")
        if kind == "md":
            cell = new_markdown_cell(source)
        else:
            tags = ["raises-exception"] if source.startswith("# raises") else []
            cell = new_code_cell(source, metadata={"tags": tags} if tags else {})
        cell["id"] = f"cell-{i:02d}"  # stable ids keep the committed files byte-identical between builds
        nb.cells.append(cell)
    return nb


def build(out: Path = HERE) -> list[Path]:
    written = []
    for story in sorted(STORIES.glob("[0-9]*.py")):
        spec = importlib.util.spec_from_file_location(story.stem, story)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        path = out / f"{story.stem.replace('_', '-')}.ipynb"
        nbformat.write(notebook(module.CELLS), path)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build():
        print(p.relative_to(HERE.parent))
