# coldstart's lazy-import experiment, child side (Python 3.8+).
#
# Executed by the child script in a namespace of its own, before the timed statement:
#   setup(mode, names, workload)  installs the experiment (mode "defer" or "survey");
#   after(globals, exc)           runs after the statement (exc: the exception it raised or
#                                 None), runs the workload in the statement's globals, removes
#                                 the experiment and returns the records: plain dicts of str,
#                                 int, bool, None and lists, for the child's JSON channel.
# Nothing is imported before the statement except what LazyLoader itself needs
# (importlib.util, threading); both sides of a comparison run this file, the control with no
# names, so those modules are loaded on both sides alike.
#
# "defer": a meta-path finder placed first on sys.meta_path wraps the loader of each named module
# in importlib.util.LazyLoader, so its body runs on the first attribute access instead of at the
# import. The lazy module's class is swapped for a subclass that records the frame of that first
# access (who reified it, during the import or the workload) and then hands the module back to
# LazyLoader's own class, which performs the load on every Python version.
# "pep810" (Python 3.15+ only): the interpreter's lazy imports instead, see pep810_filter.
# "survey": nothing is deferred; records how each module loaded by the statement is loaded
# (whether it could be deferred at all) and every import statement the statement executed.
import sys
import time
import importlib.util as _util
import importlib.machinery as _machinery
import threading  # noqa: F401  (LazyLoader.exec_module imports it on 3.12+; keep it out of the timing)

_LazyModule = type(sys)  # replaced below by LazyLoader's class
_state = {"phase": "setup", "names": frozenset(), "mode": "defer", "workload": None,
          "deferred": {}, "imports": [], "before": frozenset()}


def _lazy_class():
    # LazyLoader sets the module's class to importlib.util._LazyModule; read it from a probe
    # module rather than naming the private class.
    class _Loader:
        def create_module(self, spec):
            return None

        def exec_module(self, module):
            pass

    spec = _machinery.ModuleSpec("_coldstart_lazy_probe", _util.LazyLoader(_Loader()))
    module = _util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return type(module)


def _user_frame(frame):
    # The first frame outside the import system and this file: the code that did it.
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        code = str(frame.f_code.co_filename)
        if not (code.startswith("<frozen importlib") or name == "importlib"
                or name.startswith("importlib.") or code == "<coldstart-lazy>"):
            return frame
        frame = frame.f_back
    return None


def _where(frame):
    frame = _user_frame(frame)
    if frame is None:
        return None
    return {"module": str(frame.f_globals.get("__name__", "")),
            "file": str(frame.f_code.co_filename), "line": frame.f_lineno}


def _loader_kind(name, spec):
    # Why a module can or cannot be deferred: only a loader with exec_module whose module body
    # is Python code gains anything from LazyLoader.
    if name == "__future__":
        return "future"
    if spec is None:
        return "unknown"
    loader = spec.loader
    if loader is None or spec.origin is None and spec.submodule_search_locations is not None:
        return "namespace"
    if loader is _machinery.BuiltinImporter or isinstance(loader, _machinery.BuiltinImporter) \
            or spec.origin == "built-in":
        return "builtin"
    if loader is _machinery.FrozenImporter or isinstance(loader, _machinery.FrozenImporter) \
            or spec.origin == "frozen":
        return "frozen"
    if isinstance(loader, _machinery.ExtensionFileLoader):
        return "extension"
    if not hasattr(loader, "exec_module"):
        return "no-exec-module"
    return "source"


_Probe = None  # the recording subclass of LazyLoader's class, made by setup()


def _touched(module, attr, frame):
    # Records the first touch, then hands the module back to LazyLoader, which runs it. The
    # experiment must never change what the target sees: a failure to record is ignored.
    try:
        entry = _state["deferred"].get(object.__getattribute__(module, "__spec__").name)
        if entry is not None and entry["touched"] is None and _state["phase"] != "done":
            where = _where(frame) or {"module": "", "file": "", "line": 0}
            where["phase"] = _state["phase"]
            where["attr"] = str(attr)
            entry["touched"] = where
    except Exception:  # noqa: B902
        pass
    finally:
        object.__setattr__(module, "__class__", _LazyModule)


def _make_probe():
    class Probe(_LazyModule):
        def __getattribute__(self, attr):
            _touched(self, attr, sys._getframe(1))
            return getattr(self, attr)

        def __delattr__(self, attr):
            _touched(self, attr, sys._getframe(1))
            return delattr(self, attr)

    return Probe


class _ProbeLoader(_util.LazyLoader):
    # LazyLoader, then the recording class in place of LazyLoader's own.
    def exec_module(self, module):
        super().exec_module(module)
        object.__setattr__(module, "__class__", _Probe)


class _Finder:
    # First on sys.meta_path; answers only for the named modules, asking the finders after it.
    def find_spec(self, name, path=None, target=None):
        entry = _state["deferred"].get(name)
        if entry is None or entry["status"] != "not-imported":
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        entry["imported_at"] = _where(sys._getframe(1))
        kind = _loader_kind(name, spec)
        entry["loader"] = kind
        if spec is None:
            return None
        if kind != "source":
            entry["status"] = "not-deferrable"
            return spec
        spec.loader = _ProbeLoader(spec.loader)
        entry["status"] = "deferred"
        return spec

    def invalidate_caches(self):
        pass


def _resolve(name, globals_, level):
    if level <= 0:
        return name
    package = globals_.get("__package__") if globals_ else None
    if not package and globals_:
        package = globals_.get("__name__", "")
        if "__path__" not in globals_:
            package = package.rpartition(".")[0]
    try:
        return _util.resolve_name("." * level + name, package or "")
    except (ImportError, ValueError, TypeError):
        return None


def _tracing_import(original):
    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        module = original(name, globals, locals, fromlist, level)
        frame = sys._getframe(1)
        file = frame.f_code.co_filename
        if _state["phase"] == "import" and not file.startswith(("<frozen", "<coldstart-lazy>")):
            absolute = _resolve(name, globals, level)
            if absolute is not None:
                names = [str(n) for n in fromlist] if fromlist else None
                _state["imports"].append({
                    "importer": str(frame.f_globals.get("__name__", "")),
                    "file": file, "line": frame.f_lineno, "module": absolute, "names": names})
        return module
    return __import__


def pep810_filter(names):
    # PEP 810 (Python 3.15+): with sys.set_lazy_imports("all"), the filter decides per import
    # statement; only imports of the named modules stay lazy. Untested on a 3.15 interpreter
    # (none is available to the project yet); the function itself is tested on older versions.
    names = frozenset(names)

    def lazy_filter(importer, name, fromlist):
        return name in names or any("%s.%s" % (name, n) in names for n in fromlist or ())
    return lazy_filter


def setup(mode, names, workload):
    global _LazyModule, _Probe
    _LazyModule = _lazy_class()
    _Probe = _make_probe()
    _state["mode"] = mode
    _state["workload"] = workload or None
    _state["before"] = frozenset(sys.modules)
    if mode == "pep810":
        # The interpreter's own lazy imports: who reifies a module cannot be recorded, only
        # whether it was loaded by the end of each phase.
        sys.set_lazy_imports_filter(pep810_filter(names))
        sys.set_lazy_imports("all")
        for name in names:
            _state["deferred"][name] = {"name": name, "status": "deferred", "loader": "source",
                                        "imported_at": None, "touched": None}
    elif mode == "survey":
        import builtins
        _state["original_import"] = builtins.__import__
        builtins.__import__ = _tracing_import(builtins.__import__)
    else:
        for name in names:
            _state["deferred"][name] = {"name": name, "status": "not-imported", "loader": None,
                                        "imported_at": None, "touched": None}
        if names:
            _state["finder"] = _Finder()
            sys.meta_path.insert(0, _state["finder"])
    _state["phase"] = "import"


def _still_lazy(name):
    if _state["mode"] == "pep810":
        return name not in sys.modules
    module = sys.modules.get(name)
    return module is not None and type(module) in (_Probe, _LazyModule)


def _failure(phase, exc):
    # The exception and the innermost frame of user code it passed through.
    if exc is None:
        return None
    where, tb = None, exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if _user_frame(frame) is frame and \
                frame.f_code.co_filename not in ("<coldstart>", "<coldstart-workload>"):
            where = {"module": str(frame.f_globals.get("__name__", "")),
                     "file": frame.f_code.co_filename, "line": tb.tb_lineno}
        tb = tb.tb_next
    text = "%s: %s" % (type(exc).__name__, exc)
    return {"phase": phase, "error": text.replace("\n", " ")[:500], "at": where}


def _run_workload(globals_):
    code = _state["workload"]
    if code is None:
        return None
    _state["phase"] = "workload"
    t0 = time.perf_counter_ns()
    exc = None
    try:
        exec(compile(code, "<coldstart-workload>", "exec"), globals_)
    except SystemExit as e:
        if e.code not in (None, 0):
            exc = e
    except BaseException as e:  # noqa: B902 (a failing workload is a finding)
        exc = e
    t1 = time.perf_counter_ns()
    return {"kind": "workload", "ns": t1 - t0, "modules": len(sys.modules),
            "failure": _failure("workload", exc)}


def after(globals_, exc):
    records = [{"kind": "setup", "mode": _state["mode"],
                "python": "%d.%d.%d" % sys.version_info[:3]}]
    failure = _failure("import", exc)
    lazy_after_import = {n: _still_lazy(n) for n in _state["deferred"]}
    loaded = sorted(set(sys.modules) - _state["before"])
    workload = _run_workload(globals_) if exc is None else None
    _state["phase"] = "done"
    finder = _state.get("finder")
    if finder is not None and finder in sys.meta_path:
        sys.meta_path.remove(finder)
    if "original_import" in _state:
        import builtins
        builtins.__import__ = _state.pop("original_import")
    if failure is not None:
        records.append({"kind": "failure", "phase": failure["phase"], "error": failure["error"],
                        "at": failure["at"]})
    if workload is not None:
        records.append(workload)
    for name, entry in _state["deferred"].items():
        record = dict(entry, kind="deferred", lazy_after_import=lazy_after_import[name],
                      lazy_after_workload=_still_lazy(name) if workload else None)
        records.append(record)
    if _state["mode"] == "survey":
        for name in loaded:
            try:
                spec = getattr(sys.modules.get(name), "__spec__", None)
            except Exception:  # noqa: B902 (anything may sit in sys.modules)
                spec = None
            records.append({"kind": "module", "name": name, "loader": _loader_kind(name, spec)})
        seen = set()
        for site in _state["imports"]:
            key = (site["importer"], site["file"], site["line"], site["module"],
                   tuple(site["names"] or ()))
            if key not in seen:
                seen.add(key)
                records.append(dict(site, kind="import"))
    return records


def encode(value, quote):
    # JSON text of a record value (dict, list, str, int, bool, None), strings spelled by the
    # encoder the child passes in, its `_cs_q` (src/probe/quote.py; the report is hand-encoded:
    # `json` could be shadowed by the target).
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return quote(value)
    if type(value) is dict:
        return "{" + ",".join("%s:%s" % (quote(str(k)), encode(v, quote))
                              for k, v in value.items()) + "}"
    if type(value) in (list, tuple):
        return "[" + ",".join(encode(v, quote) for v in value) + "]"
    return quote(repr(value))
