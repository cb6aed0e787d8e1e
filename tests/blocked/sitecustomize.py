"""On PYTHONPATH, makes Brian2 and brian2nwb impossible to import in that process (as in a venv without them):
for the tests that show the ndx-brian2 extension, its generator and its tests need neither."""

import sys

BLOCKED = {"brian2", "brian2nwb", "brian2tools"}


class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by tests/blocked/sitecustomize.py)",
                                      name=name)
        return None


sys.meta_path.insert(0, _Blocked())
