#!/usr/bin/env python3
"""Each module imports only what Package.swift declares for it.

SwiftPM on Linux lets a target import any module it can see through its dependencies' dependencies (even with
--explicit-target-dependency-import-check error), so the layers (domain <- storage <- application <- web <- executable)
are held here instead: `swift package dump-package` gives each target's declared dependencies; every `import` in the
target's sources must name one of them, a module of a package the target declares a product of (a product's own
modules, such as HummingbirdCore under Hummingbird), or a module of the toolchain. Prints each undeclared import with
its file and line, and exits 1 when there is one.

An import is not the only way across a layer: without it, Swift still lets code use the members of a type from a
module it sees transitively (a storage row returned through the application). The targets in MEMBER_VISIBILITY (the
web layer) must keep Swift's MemberImportVisibility feature on, so the compiler refuses that too.
Usage: scripts/lib/check-layers.py [ROOT]
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
# what the toolchain brings: no package needs declaring for these
TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Darwin", "Synchronization", "Testing",
             "XCTest", "PackageDescription", "_Concurrency", "Observation", "os"}
# targets whose code must not use members of modules it does not import
MEMBER_VISIBILITY = {"AccordWeb"}
IMPORT = re.compile(r"^\s*(?:@[\w()]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def package_modules():
    """Module name -> package identity (the checkout folder), from the resolved checkouts' Sources folders."""
    modules = {}
    checkouts = os.path.join(ROOT, ".build", "checkouts")
    if not os.path.isdir(checkouts):
        # a fresh clone: the packages' sources are needed to know which modules each declared product brings
        subprocess.run(["swift", "package", "resolve"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    for package in sorted(os.listdir(checkouts)) if os.path.isdir(checkouts) else []:
        sources = os.path.join(checkouts, package, "Sources")
        for module in os.listdir(sources) if os.path.isdir(sources) else []:
            modules.setdefault(module, package.lower())
    return modules


def main():
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    own = {target["name"]: target for target in manifest["targets"]}
    # package identity of each dependency, as its URL names it (…/hummingbird-auth -> hummingbird-auth)
    identities = {}
    for dependency in manifest.get("dependencies", []):
        for kind in ("sourceControl", "fileSystem"):
            for entry in dependency.get(kind, []):
                identities[entry["identity"].lower()] = entry["identity"].lower()
    modules = package_modules()
    problems = []
    for name in sorted(MEMBER_VISIBILITY):
        if "MemberImportVisibility" not in json.dumps(own.get(name, {}).get("settings", [])):
            problems.append(f"Package.swift: {name} must enable the upcoming feature MemberImportVisibility")
    for name, target in own.items():
        declared_modules, declared_packages = set(), set()
        for dependency in target.get("dependencies", []):
            if "byName" in dependency:
                declared_modules.add(dependency["byName"][0])
            elif "target" in dependency:
                declared_modules.add(dependency["target"][0])
            elif "product" in dependency:
                product, package = dependency["product"][0], dependency["product"][1]
                declared_modules.add(product)
                if package:
                    declared_packages.add(package.lower())
        path = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        folder = os.path.join(ROOT, path)
        for directory, _, files in os.walk(folder):
            for file in sorted(files):
                if not file.endswith(".swift"):
                    continue
                full = os.path.join(directory, file)
                with open(full, encoding="utf-8") as handle:
                    for number, line in enumerate(handle, 1):
                        match = IMPORT.match(line)
                        if not match:
                            continue
                        module = match.group(1)
                        if module in TOOLCHAIN or module in declared_modules or module == name:
                            continue
                        if module not in own and modules.get(module) in declared_packages:
                            continue
                        where = os.path.relpath(full, ROOT)
                        what = "a module of this package" if module in own else "a module"
                        problems.append(f"{where}:{number}: {name} imports {module}, {what} its Package.swift entry does not declare")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} undeclared import(s): declare the dependency in Package.swift, or reach it through a layer that may", file=sys.stderr)
        sys.exit(1)
    print(f"Layers hold: every import of {len(own)} targets is declared in Package.swift, and {', '.join(sorted(MEMBER_VISIBILITY))} "
          "uses no member of a module it does not import.")


if __name__ == "__main__":
    main()
