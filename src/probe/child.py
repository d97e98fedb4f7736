import sys
_cs_startup = len(sys.modules)
_cs_startup_names = sorted(sys.modules)
import time as _cs_time
_cs_out, _cs_stmt, _cs_check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
# `coldstart lazy`: the experiment's code (src/probe/lazy.py), mode, names and workload.
_cs_lazy = sys.argv[4:8] if len(sys.argv) >= 8 else None
del sys.argv[1:]
try:
    _cs_code = compile(_cs_stmt, "<coldstart>", "exec")
except SyntaxError as _cs_e:
    _cs_code, _cs_err = None, "syntax\t%s: %s" % (type(_cs_e).__name__, _cs_e)
_cs_globals = {"__name__": "__coldstart__", "__builtins__": __builtins__}
_cs_exc = None
if _cs_lazy is not None:
    _cs_lab = {"__name__": "__coldstart_lazy__"}
    exec(compile(_cs_lazy[0], "<coldstart-lazy>", "exec"), _cs_lab)
    _cs_lab["setup"](_cs_lazy[1], [_cs_n for _cs_n in _cs_lazy[2].split(",") if _cs_n],
                     _cs_lazy[3])
_cs_c0 = _cs_time.process_time_ns()
_cs_t0 = _cs_time.perf_counter_ns()
if _cs_code is not None:
    try:
        exec(_cs_code, _cs_globals)
        _cs_err = ""
    except SystemExit as _cs_e:
        _cs_err, _cs_exc = "exit\t%r" % (_cs_e.code,), _cs_e
    except BaseException as _cs_e:
        _cs_err, _cs_exc = "raise\t%s: %s" % (type(_cs_e).__name__, _cs_e), _cs_e
_cs_t1 = _cs_time.perf_counter_ns()
_cs_c1 = _cs_time.process_time_ns()
_cs_mods = sorted(sys.modules)
_cs_hwm = ""
try:
    with open("/proc/self/status") as _cs_f:
        for _cs_line in _cs_f:
            if _cs_line.startswith("VmHWM:"):
                _cs_hwm = _cs_line.split()[1]
except OSError:
    pass
if _cs_lazy is not None:
    # Before the bytecode check below, whose attribute reads would run deferred modules.
    _cs_lazy = _cs_lab["encode"](_cs_lab["after"](_cs_globals, _cs_exc), _cs_lab["quote"])
_cs_lines = ["coldstart-result\t1", "import_ns\t%d" % (_cs_t1 - _cs_t0),
             "import_cpu_ns\t%d" % (_cs_c1 - _cs_c0), "startup_modules\t%d" % _cs_startup,
             "peak_rss_kib\t%s" % _cs_hwm, "error\t" + _cs_err.replace("\n", " ")]
_cs_lines += ["module\t" + _cs_m for _cs_m in _cs_mods]
_cs_lines += ["startup\t" + _cs_m for _cs_m in _cs_startup_names]
if _cs_check:
    import os as _cs_os
    for _cs_name, _cs_mod in list(sys.modules.items()):
        _cs_spec = getattr(_cs_mod, "__spec__", None)
        _cs_origin = getattr(_cs_spec, "origin", None) or ""
        _cs_cached = getattr(_cs_spec, "cached", None)
        if _cs_origin.endswith(".py") and _cs_cached and not _cs_os.path.exists(_cs_cached):
            _cs_lines.append("uncached\t" + _cs_name)
if _cs_lazy is not None:
    _cs_lines.append("lazy\t" + _cs_lazy)
_cs_lines.append("end")
with open(_cs_out, "w") as _cs_f:
    _cs_f.write("\n".join(_cs_lines) + "\n")
