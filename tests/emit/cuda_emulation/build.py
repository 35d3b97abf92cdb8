"""Build tests/emit/cuda_kernels_harness.cu, or a whole generated CUDA graph library
(`build_project`), against a CPU emulation of CUDA (cuda_runtime.h, cub/cub.cuh, cublas_v2.h and
math_constants.h here), to check the kernels' logic where there is no GPU:

    python tests/emit/cuda_emulation/build.py /tmp/emu
    TRANSPILE_CUDA_EMULATED_HARNESS=/tmp/emu/harness.so python -m pytest -m cuda tests/emit/test_cuda_kernels.py

Each block runs its threads as user-level contexts switched at __syncthreads; blocks of 32
threads (kBlock is rewritten) and grids of at most 3 blocks (every grid-stride loop wraps). A
pass here is not a GPU pass: it says nothing of races between blocks, the memory model, CUB or
speed; the cuda suite must still run on a GPU. Slow (minutes)."""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from transpile.emit.render import runtime_header
from transpile.emit.runtime import is_unit_source

HERE = Path(__file__).resolve().parent
KERNELS = HERE.parents[2] / "transpile" / "templates" / "cuda" / "kernels.cuh"
HARNESS = HERE.parent / "cuda_kernels_harness.cu"

#: -O0: the emulated kernels run on tiny inputs, and -O1 doubled the compile (the rule table:
#: 15.3 s at -O1, 7.6 s at -O0) for no check of its own (x86-64 floats are SSE either way)
GXX = ["g++", "-std=c++20", "-O0", "-fPIC", "-w"]


def emulated(text):
    """CUDA source with each `kernel<<<grid, block, shared, stream>>>(args);` turned into an
    emu::launch call, 32-thread blocks and a fixed-size dynamic shared array."""
    text = text.replace("constexpr int kBlock = 256;", "constexpr int kBlock = 32;")
    text = text.replace("extern __shared__ double dynamic_words[];", "__shared__ double dynamic_words[8192];")
    text, launches = re.subn(r"(\b\w+(?:<[^;{}]*?>)?)<<<(.*?)>>>\((.*?)\);",
                             lambda m: f"emu::launch({m.group(2)}, [&] {{ {m.group(1)}({m.group(3)}); }});", text,
                             flags=re.S)
    assert "<<<" not in text, launches
    return text


def emulated_kernels():
    return emulated(KERNELS.read_text())


def build_project(files, folder, units=None, name=None):
    """Compile a generated CUDA graph project (`Project.files`) against the emulation into
    `folder`/lib<name>.so: the host .cpp as it is, the kernels source and the CUDA headers with
    their launches rewritten. Returns the library's path. An export's project names its host
    translation units (`units`: src/... paths, the others are included by them) and `name`."""
    folder = Path(folder)
    sources = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith((".cu", ".cuh")):
            text = emulated(text)
        if rel.endswith(".cu"):
            path = path.with_suffix(".emulated.cpp")
            sources.append(path)
        elif rel.startswith("src/") and rel.endswith(".cpp") and (units is None or rel in units):
            sources.append(path)
        path.write_text(text)
    name = name or next(rel for rel in files if rel.startswith("include/"))[len("include/"):-2]
    flags = [*GXX, f"-I{HERE}", f"-I{folder / 'src'}", f"-I{folder / 'include'}"]
    objects = [_unit_object(flags, path) if is_unit_source(str(path.relative_to(folder))) else path
               for path in sources]
    library = folder / f"lib{name}.so"
    memory = device_memory_library()
    done = subprocess.run([*flags, "-shared", *map(str, objects), str(memory), f"-Wl,-rpath,{memory.parent}", "-o",
                           str(library)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"emulated build failed:\n{done.stderr[-6000:]}")
    return library


def _store():
    store = Path(os.environ.get("TRANSPILE_TEST_COMPILEDIR", tempfile.gettempdir())) / "emulated-units"
    store.mkdir(parents=True, exist_ok=True)
    return store


def device_memory_library():
    """libtranspile_emu_device_<hash>.so: the emulation's GPU memory (device_memory.cpp), one
    registry per process, so built once and linked by every emulated library."""
    source = HERE / "device_memory.cpp"
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    library = _store() / f"libtranspile_emu_device_{key}.so"
    if not library.exists():
        partial = library.with_name(f"{library.name}.{os.getpid()}.tmp")
        subprocess.run(["g++", "-std=c++17", "-O1", "-fPIC", "-shared", "-Wall", str(source), "-o", str(partial)],
                       check=True, capture_output=True, text=True)
        os.replace(partial, library)  # whole or absent, for the other xdist worker
    return library


def _unit_object(flags, source):
    """The object of a runtime unit (src/transpile_<unit>.cpp), compiled once per test session
    for its preprocessed text: every project holds the same units, and compiling them was half
    of a small project's build."""
    text = subprocess.run([*flags, "-E", "-P", str(source)], capture_output=True, text=True, check=True).stdout
    key = hashlib.sha256(text.encode()).hexdigest()[:32]
    obj = _store() / f"{source.stem}-{key}.o"
    if not obj.exists():
        partial = obj.with_name(f"{obj.name}.{os.getpid()}.tmp")
        done = subprocess.run([*flags, "-c", str(source), "-o", str(partial)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"emulated build of {source.name} failed:\n{done.stderr[-6000:]}")
        os.replace(partial, obj)  # whole or absent, for the other xdist worker
    return obj


def main(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transpile_runtime.h").write_text(runtime_header())
    (folder / "transpile_cuda_kernels.cuh").write_text(emulated_kernels())
    (folder / "harness.cpp").write_text(HARNESS.read_text())
    memory = device_memory_library()
    subprocess.run(["g++", "-std=c++20", "-O1", "-shared", "-fPIC", "-Wall", f"-I{HERE}", f"-I{folder}", "harness.cpp",
                    str(memory), f"-Wl,-rpath,{memory.parent}", "-o", "harness.so"], cwd=folder, check=True)
    print(folder / "harness.so")


if __name__ == "__main__":
    main(sys.argv[1])
