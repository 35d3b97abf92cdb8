"""Regenerate the exported example projects committed here (CI checks they are up to date).

    python generated_examples/regenerate.py [OUTPUT_DIR]

writes one project per example of `transpile.export.examples` into OUTPUT_DIR (default: this
directory): a logistic-regression training step, an MLP classifier with softmax, and a fused
elementwise kernel. Exports are deterministic, so an unchanged transpile gives unchanged files.
"""
import sys
from pathlib import Path

from transpile.export.examples import all_examples

HERE = Path(__file__).resolve().parent


def regenerate(output_dir=HERE):
    output_dir = Path(output_dir)
    projects = []
    for example in all_examples():
        projects.append(example.export(output_dir / example.name))
    return projects


if __name__ == "__main__":
    for project in regenerate(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(f"{project.name}: {project.path} (graph {project.graph_hash})")
