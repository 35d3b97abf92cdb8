"""Command line: `python -m transpile cache list|clear` (the native build cache).

The cache lives in `transpile.config.compiledir` (set it with TRANSPILE_FLAGS=compiledir=...).
"""
import argparse
import sys
import time


def _cache_list(out):
    from transpile.compile import cache
    rows = cache.entries()
    print(f"transpile cache: {cache.root()}", file=out)
    if not rows:
        print("  (empty)", file=out)
        return 0
    total = 0
    for kind, entry, path in rows:
        size = cache.directory_size(path)
        total += size
        if entry is None:
            print(f"  {kind:6} {path.name[:16]}  {size / 1024:8.1f} KiB  BROKEN (rebuilt on next use)", file=out)
            continue
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.manifest.get("created", 0)))
        print(f"  {kind:6} {path.name[:16]}  {size / 1024:8.1f} KiB  {created}  {entry.manifest.get('description', '')}",
              file=out)
    print(f"  {len(rows)} entries, {total / 1024 / 1024:.1f} MiB", file=out)
    return 0


def _cache_clear(out):
    from transpile.compile import cache
    count = cache.clear()
    print(f"transpile cache: removed {count} entries from {cache.root()}", file=out)
    return 0


def main(argv=None, out=sys.stdout):
    parser = argparse.ArgumentParser(prog="python -m transpile", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cache_parser = commands.add_parser("cache", help="inspect or empty the native build cache")
    cache_parser.add_argument("action", choices=["list", "clear"])
    args = parser.parse_args(argv)
    if args.command == "cache":
        return _cache_list(out) if args.action == "list" else _cache_clear(out)
    return 2


if __name__ == "__main__":
    sys.exit(main())
